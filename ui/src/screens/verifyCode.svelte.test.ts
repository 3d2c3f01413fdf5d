/** The code screen's behaviour without its page: the countdown, 다시 받기, the answers of core. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { app } from '../lib/app.svelte';
import { setLocale } from '../lib/i18n.svelte';
import { backend, GOOD_CODE, STATES, type Scenario } from '../testing/backend';
import { normalizeCode, VerifyCode } from './verifyCode.svelte';

const T0 = new Date('2026-12-06T09:00:00+09:00').getTime();

/** A code screen over a scripted backend, its clock started at T0 (the codes sent at T0). */
function screenFor(state: keyof typeof STATES, over: Partial<Scenario> = {}) {
  const scenario: Scenario = { overview: STATES[state](), ...over };
  app.overview = scenario.overview;
  mockIPC(backend(scenario));
  const vc = new VerifyCode();
  vc.start();
  return { vc, calls: scenario.calls! };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  setLocale('ko');
});

let current: VerifyCode | null = null;
afterEach(() => {
  current?.dispose();
  current = null;
  vi.useRealTimers();
  clearMocks();
  app.overview = null;
});

describe('typing a code', () => {
  it('keeps digits only, full-width ones too, six at most', () => {
    expect(normalizeCode('123 456')).toBe('123456');
    expect(normalizeCode('123-456')).toBe('123456');
    expect(normalizeCode('１２３４５６')).toBe('123456');
    expect(normalizeCode('12345678')).toBe('123456');
    expect(normalizeCode('ab12')).toBe('12');
  });

  it('asks for the e-mail first, then the phone, then is done', async () => {
    const { vc, calls } = screenFor('verifySent');
    current = vc;
    expect(vc.current?.channel).toBe('email');
    expect([vc.step, vc.steps]).toEqual([1, 2]);
    vc.input(GOOD_CODE);
    expect(await vc.confirm()).toEqual({ kind: 'next', channel: 'phone' });
    expect(vc.code).toBe('');
    expect([vc.step, vc.steps]).toEqual([2, 2]);
    vc.input(GOOD_CODE);
    expect(await vc.confirm()).toEqual({ kind: 'done', purpose: 'change' });
    expect(app.overview?.verification).toBeNull();
    expect(calls.filter((c) => c.cmd === 'confirm_code').map((c) => c.args)).toEqual([
      { channel: 'email', code: GOOD_CODE },
      { channel: 'phone', code: GOOD_CODE },
    ]);
  });

  it('a wrong code says how many tries are left; the fifth wrong one uses the code up', async () => {
    const { vc } = screenFor('verifySent');
    current = vc;
    vc.input('000000');
    expect(await vc.confirm()).toEqual({ kind: 'error' });
    expect(vc.error).toEqual({ code: 'code_incorrect', params: { attempts_left: '4' } });
    expect(vc.current?.attempts_left).toBe(4);
    // Typing again clears the refusal.
    vc.input('00000');
    expect(vc.error).toBeNull();
    for (let i = 0; i < 4; i++) {
      vc.input('000000');
      await vc.confirm();
    }
    expect(vc.error?.code).toBe('code_exhausted');
    expect(vc.current?.state).toBe('exhausted');
  });

  it('core refuses a code that is not six digits before any request', async () => {
    const { vc } = screenFor('verifySent');
    current = vc;
    vc.input('123');
    await vc.confirm();
    expect(vc.error?.code).toBe('code_format');
  });
});

describe('the clock', () => {
  it('counts down once a second and calls the code expired at 0:00', async () => {
    const { vc } = screenFor('verifySent');
    current = vc;
    expect(vc.secondsLeft).toBe(180);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vc.secondsLeft).toBe(179);
    expect(vc.expired).toBe(false);
    await vi.advanceTimersByTimeAsync(179_000);
    expect(vc.secondsLeft).toBe(0);
    expect(vc.expired).toBe(true);
    expect(vc.canType).toBe(false);
    vc.input(GOOD_CODE);
    await vc.confirm();
    expect(vc.error?.code).toBe('code_expired');
  });

  it('announces politely only at 1:00, 0:30 and on expiry, not every second', async () => {
    const { vc } = screenFor('verifySent');
    current = vc;
    const heard: (string | null)[] = [];
    let last = vc.announcement;
    for (let s = 0; s < 185; s++) {
      await vi.advanceTimersByTimeAsync(1000);
      if (vc.announcement !== last) {
        heard.push(vc.announcement);
        last = vc.announcement;
      }
    }
    expect(heard).toEqual(['verify.announce_minute', 'verify.announce_half', 'verify.announce_expired']);
  });

  it('a screen opened at 0:45 does not announce 1:00 late', async () => {
    const { vc } = screenFor('verifySent');
    current = vc;
    vc.dispose();
    vi.setSystemTime(T0 + 135_000);
    const later = new VerifyCode();
    current = later;
    later.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(later.announcement).toBeNull();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(later.announcement).toBe('verify.announce_half');
  });

  it('다시 받기 opens at resend_at, then sends a new code with a fresh clock', async () => {
    const { vc, calls } = screenFor('verifySent');
    current = vc;
    expect(vc.canResend).toBe(false);
    expect(vc.resendIn).toBe(60);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(vc.resendIn).toBe(1);
    expect(vc.canResend).toBe(false);
    expect(await vc.resend()).toBe(false);
    expect(calls.some((c) => c.cmd === 'resend_code')).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(vc.canResend).toBe(true);
    expect(await vc.resend()).toBe(true);
    expect(vc.notice).toBe('verify.resent');
    expect(vc.secondsLeft).toBe(180);
    expect(vc.resendIn).toBe(60);
  });

  it('an exhausted code can be sent again at once', async () => {
    const { vc } = screenFor('verifyExhausted');
    current = vc;
    expect(vc.canType).toBe(false);
    expect(vc.canResend).toBe(true);
    await vc.resend();
    expect(vc.current?.state).toBe('sent');
    expect(vc.current?.attempts_left).toBe(5);
  });
});

describe('codes that could not be sent', () => {
  it('offline: nothing to type, nothing to resend, the code goes out once connected', () => {
    const { vc } = screenFor('verifyOffline');
    current = vc;
    expect(vc.current?.state).toBe('waiting_for_network');
    expect(vc.canType).toBe(false);
    expect(vc.canResendAtAll).toBe(false);
  });

  it('a cap holds 다시 받기 shut until retry_at', async () => {
    const { vc } = screenFor('verifyCapped');
    current = vc;
    expect(vc.canResendAtAll).toBe(true);
    expect(vc.canResend).toBe(false);
    expect(vc.resendIn).toBe(3600);
    await vi.advanceTimersByTimeAsync(3600_000);
    expect(vc.canResend).toBe(true);
  });

  it('no sender configured: only the administrator can help, so no 다시 받기', () => {
    const { vc } = screenFor('verifyNoSender');
    current = vc;
    expect(vc.canResendAtAll).toBe(false);
  });
});

describe('going back', () => {
  it('a change gives its values back as the draft', async () => {
    const scenario: Scenario = { overview: STATES.agreedEmpty(), codesOnSubmit: true };
    app.overview = scenario.overview;
    mockIPC(backend(scenario));
    const { commands } = await import('../lib/bindings');
    const draft = { email: 'abcd@naver.com', phone: '010-1234-5678', overseas: false, country: null, focus: null, caret: null };
    const submitted = await commands.submitIdentity(draft);
    if (submitted.status !== 'ok') throw new Error('submit failed');
    app.overview = submitted.data.overview;
    const vc = new VerifyCode();
    current = vc;
    expect(vc.current?.destination).toBe('ab***@naver.com');
    expect(await vc.cancel()).toEqual({ kind: 'form', draft });
    expect(app.overview?.verification).toBeNull();
  });

  it('확인하기 on a registered value just ends', async () => {
    const { vc } = screenFor('verifyRegistered');
    current = vc;
    expect(await vc.cancel()).toEqual({ kind: 'settings' });
  });
});
