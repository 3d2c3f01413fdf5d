/**
 * The code screen without its markup: which channel's code is asked for, the code as typed, the
 * countdown, when 다시 받기 opens, and the answers of `confirmCode`, `resendCode` and
 * `cancelVerification`. `VerifyCode.svelte` shows it and binds to it.
 *
 * The countdown ticks once a second for the eye, but screen readers hear it only at a few moments
 * (1:00, 0:30, and when it runs out): `announcement` changes only then, so the polite live region it
 * feeds is not read out every second.
 */
import { commands } from '../lib/bindings';
import type { Channel, CodeView, CommandError, Draft, VerificationPurpose } from '../lib/types';
import { app, applyOverview } from '../lib/app.svelte';
import { attempt, attemptPlain } from '../lib/result';

/** A code has this many digits (core checks it too, and answers `code_format`). */
export const CODE_LENGTH = 6;
/** The moments the remaining time is announced, in seconds left, with their catalog keys. */
export const ANNOUNCE_AT: readonly (readonly [number, string])[] = [
  [60, 'verify.announce_minute'],
  [30, 'verify.announce_half'],
  [0, 'verify.announce_expired'],
];

/** What the page does after a 확인: stay (an error, or the next channel) or leave (all confirmed). */
export type ConfirmResult =
  | { kind: 'error' }
  | { kind: 'next'; channel: Channel }
  | { kind: 'done'; purpose: VerificationPurpose };

/** Where the page goes after 다시 입력 / 나중에: the form with the waiting values, or settings. */
export type CancelResult = { kind: 'form'; draft: Draft } | { kind: 'settings' } | { kind: 'error' };

/** Digits only, full-width ones too (０-９ from a Korean IME), at most six. */
export function normalizeCode(input: string): string {
  return input
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\D/g, '')
    .slice(0, CODE_LENGTH);
}

function secondsUntil(at: string | null, now: number): number | null {
  if (!at) return null;
  const t = Date.parse(at);
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

type Timer = ReturnType<typeof setInterval>;

export class VerifyCode {
  /** The code as typed (digits only). */
  code = $state('');
  busy = $state(false);
  /** The last command's refusal: `error.<code>`. */
  error = $state<CommandError | null>(null);
  /** A one-off catalog key, e.g. `verify.resent`. */
  notice = $state<string | null>(null);
  /** What the polite live region says: changes only at the moments in `ANNOUNCE_AT`. */
  announcement = $state<string | null>(null);
  /** The clock, moved once a second while the screen is up. */
  now = $state(Date.now());

  #timer: Timer | null = null;
  /** The code the last announcement belongs to, and the seconds left at the last tick. */
  #announcedFor: string | null = null;
  #lastLeft: number | null = null;

  readonly view = $derived(app.overview?.verification ?? null);
  /** The channel asked for now: the first not confirmed (e-mail first). */
  readonly current = $derived<CodeView | null>(this.view?.codes.find((c) => c.state !== 'confirmed') ?? null);
  readonly step = $derived(this.view && this.current ? this.view.codes.indexOf(this.current) + 1 : 0);
  readonly steps = $derived(this.view?.codes.length ?? 0);

  /** Seconds until the code expires; `null` before it is sent. */
  readonly secondsLeft = $derived(this.current?.state === 'sent' ? secondsUntil(this.current.expires_at, this.now) : null);
  /** The code can no longer be used: expired by the server's word or by the clock. */
  readonly expired = $derived(this.current?.state === 'expired' || this.secondsLeft === 0);
  /** Seconds until 다시 받기 opens (0: open). A cap's `retry_at` holds it shut too. */
  readonly resendIn = $derived.by(() => {
    const c = this.current;
    if (!c) return 0;
    const wait = c.state === 'not_sent' ? c.retry_at : c.resend_at;
    return secondsUntil(wait, this.now) ?? 0;
  });
  /** 다시 받기 is offered: a code was or could be sent, and no administrator has to act first. */
  readonly canResendAtAll = $derived.by(() => {
    const c = this.current;
    if (!c || c.state === 'waiting_for_network') return false;
    if (c.state === 'not_sent') return c.reason?.code !== 'sender_not_configured';
    return true;
  });
  readonly canResend = $derived(this.canResendAtAll && this.resendIn === 0 && !this.busy);
  /** A code is out there to be typed. */
  readonly canType = $derived(this.current?.state === 'sent' && !this.expired);

  /** Starts the clock; `dispose` stops it. */
  start(): void {
    this.#tick();
    this.#timer ??= setInterval(() => this.#tick(), 1000);
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    this.now = Date.now();
    const c = this.current;
    const key = c ? `${c.channel}:${c.expires_at ?? ''}` : null;
    const left = c?.state === 'sent' ? secondsUntil(c.expires_at, this.now) : null;
    if (key !== this.#announcedFor) {
      // A new code (or channel): its first reading only sets where the countdown starts.
      this.#announcedFor = key;
      this.#lastLeft = left;
      return;
    }
    if (left !== null && this.#lastLeft !== null) {
      for (const [at, text] of ANNOUNCE_AT) {
        if (this.#lastLeft > at && left <= at) this.announcement = text;
      }
    }
    this.#lastLeft = left;
  }

  /** A keystroke or a paste: digits only, six at most. */
  input(value: string): string {
    this.code = normalizeCode(value);
    if (this.error?.code === 'code_format' || this.error?.code === 'code_incorrect') this.error = null;
    this.notice = null;
    return this.code;
  }

  /** 확인: core checks the format first, then the server the code. */
  async confirm(): Promise<ConfirmResult> {
    const c = this.current;
    const view = this.view;
    if (!c || !view || this.busy) return { kind: 'error' };
    this.busy = true;
    this.error = null;
    this.notice = null;
    const result = await attempt(() => commands.confirmCode(c.channel, this.code));
    if (result.status === 'error') {
      // A refusal changes the code's state too (tries left, expired, used up): read it now rather
      // than wait for the event.
      await this.#reload();
      this.busy = false;
      this.error = result.error;
      return { kind: 'error' };
    }
    this.busy = false;
    applyOverview(result.data);
    this.code = '';
    this.announcement = null;
    this.#tick();
    const next = this.current;
    if (!result.data.verification || !next) return { kind: 'done', purpose: view.purpose };
    return { kind: 'next', channel: next.channel };
  }

  /** 다시 받기: a new code; the old one stops working. */
  async resend(): Promise<boolean> {
    const c = this.current;
    if (!c || !this.canResend) return false;
    this.busy = true;
    this.error = null;
    this.notice = null;
    const result = await attempt(() => commands.resendCode(c.channel));
    if (result.status === 'error') {
      await this.#reload();
      this.busy = false;
      this.error = result.error;
      return false;
    }
    this.busy = false;
    applyOverview(result.data);
    this.code = '';
    this.announcement = null;
    this.notice = 'verify.resent';
    this.#tick();
    return true;
  }

  /** The overview from Rust's cache (never fails; a broken bridge leaves the screen as it is). */
  async #reload(): Promise<void> {
    const next = await attemptPlain(() => commands.overview());
    if (next.status === 'ok') applyOverview(next.data);
  }

  /** 번호 다시 입력 / 주소 다시 입력 / 나중에: the waiting values go back to the form, nothing lost. */
  async cancel(): Promise<CancelResult> {
    this.busy = true;
    this.error = null;
    const result = await attempt(() => commands.cancelVerification());
    if (result.status === 'error') {
      this.busy = false;
      this.error = result.error;
      return { kind: 'error' };
    }
    await this.#reload();
    this.busy = false;
    return result.data ? { kind: 'form', draft: result.data } : { kind: 'settings' };
  }
}
