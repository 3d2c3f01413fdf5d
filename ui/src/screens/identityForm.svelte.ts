/**
 * The identity-verification info form, without its markup: the fields, core's verdicts on them, the
 * draft kept while typing, and the save. `IdentityForm.svelte` shows it and binds to it.
 *
 * Core judges every keystroke (the UI re-implements no rule). A keystroke in the phone field is one
 * round trip (`check_phone_input`): the text reformatted, the caret and the verdict come back
 * together, the text is applied at once and the verdict is shown after a short pause in typing. The
 * e-mail field has nothing to reformat, so it is judged once typing pauses. The draft is a separate
 * job (durability, not feedback): it is written once typing pauses, at least every second while it
 * goes on, and when a field loses the focus, so a crash loses at most the last second of typing.
 *
 * Nothing here touches the page: the caret comes from the host (the component), and what the page
 * should do (put the caret, move the focus, navigate) comes back as return values.
 */
import { commands } from '../lib/bindings';
import type {
  CommandError,
  Draft,
  DraftFocus,
  EmailVerdict_Serialize,
  FieldError,
  PhoneMode_Deserialize,
  PhoneVerdict_Serialize,
} from '../lib/types';
import { app, applyOverview } from '../lib/app.svelte';
import { currentLocale, t, tCode } from '../lib/i18n.svelte';
import { countryName } from '../lib/format';
import { attempt } from '../lib/result';
import type { FieldMessage } from '../components/Field.svelte';

/** The pause in typing after which a verdict is shown (and the e-mail judged), in ms. */
export const VERDICT_DELAY = 120;
/** The pause in typing after which the draft is written, in ms. */
export const DRAFT_IDLE = 400;
/** The longest the draft lags behind while typing goes on without a pause, in ms. */
export const DRAFT_MAX_WAIT = 1000;

/** What the page must know of itself: where the caret is in the field that has the focus. */
export type FormHost = { caret(focus: DraftFocus | null): number | null };

/** A verdict and what it was given: shown only while the field still holds that input. */
type Judged<V> = { input: string; verdict: V | null; failed: boolean };
/** A phone verdict also holds only for the rules it was judged by. */
type PhoneJudged = Judged<PhoneVerdict_Serialize> & { modeKey: string };

/** Where the caret goes after core reformatted the phone field. */
export type PhoneEdit = { text: string; caret: number };

/**
 * How a save ended. `blocked`: nothing valid to save yet; `failed`: the error is in `form.error`;
 * `field_errors`: core refused a field, `focus` names the first one.
 */
export type SubmitResult =
  | { kind: 'saved' }
  | { kind: 'blocked' }
  | { kind: 'failed' }
  | { kind: 'field_errors'; focus: 'email' | 'phone' };

type Timer = ReturnType<typeof setTimeout>;

/** One form on the page: created by the component, loaded on mount, disposed when it goes. */
export class IdentityForm {
  email = $state('');
  phone = $state('');
  overseas = $state(false);
  country = $state<string | null>(null);
  /** The field with the focus, kept in the draft so it is restored there. */
  focus: DraftFocus | null = null;

  /** The draft is restored (or there was none): the form may show. */
  ready = $state(false);
  saving = $state(false);
  /** A failure that belongs to no field. */
  error = $state<CommandError | null>(null);
  /** Info is registered but could not be fetched (offline): a save replaces both parts. */
  notPrefilled = $state(false);
  /** The chosen country's example mobile number, for the phone field's placeholder and hint. */
  example = $state<string | null>(null);
  /** Core's refusals from the last save, one per field, until that field is edited. */
  serverErrors = $state<{ email: FieldError | null; phone: FieldError | null }>({ email: null, phone: null });

  #host: FormHost;
  #emailJudged = $state<Judged<EmailVerdict_Serialize> | null>(null);
  #phoneJudged = $state<PhoneJudged | null>(null);
  /** No keystroke in the phone field for `VERDICT_DELAY`: its verdict may show. */
  #phoneQuiet = $state(true);

  #emailTimer: Timer | null = null;
  #phoneTimer: Timer | null = null;
  #quietTimer: Timer | null = null;
  #draftTimer: Timer | null = null;
  /** When the oldest change not yet in the stored draft was made. */
  #unsavedSince: number | null = null;
  #phoneSeq = 0;

  /** The rules the phone is judged by, as a key: a verdict for another mode is not shown. */
  readonly modeKey = $derived(this.overseas ? `o:${this.country ?? ''}` : 'd');
  readonly anything = $derived(!!this.email.trim() || !!this.phone.trim());

  /** Core's verdict on the e-mail field as it is now, or `null` (blank, or not judged yet). */
  readonly #emailVerdict = $derived.by(() => {
    const judged = this.#emailJudged;
    return this.email.trim() && judged?.input === this.email ? judged : null;
  });

  /** Core's verdict on the phone field as it is now, once typing paused, or `null`. */
  readonly #phoneVerdict = $derived.by(() => {
    const judged = this.#phoneJudged;
    const current = judged?.input === this.phone && judged.modeKey === this.modeKey;
    return this.phone.trim() && this.#phoneQuiet && current ? judged : null;
  });

  readonly canSave = $derived.by(() => {
    const emailOk = !this.email.trim() || !!this.#emailVerdict?.verdict?.valid;
    const phoneOk = !this.phone.trim() || !!this.#phoneVerdict?.verdict?.valid;
    return this.ready && this.anything && emailOk && phoneOk && !this.saving;
  });

  readonly emailMessage = $derived.by<FieldMessage>(() => {
    if (this.serverErrors.email) return { kind: 'error', text: fieldErrorText(this.serverErrors.email) };
    const judged = this.#emailVerdict;
    if (!judged) return null;
    if (judged.failed || !judged.verdict) return { kind: 'error', text: t('error.unknown') };
    const v = judged.verdict;
    if (v.error) {
      const suggestion = 'suggestion' in v.error ? v.error.suggestion : null;
      return { kind: 'error', text: emailErrorText(v.error.code, suggestion ? { suggestion } : {}) };
    }
    const warning = v.valid?.warnings[0];
    if (warning?.code === 'did_you_mean') {
      return { kind: 'warning', text: t('email.warning.did_you_mean', { suggestion: warning.suggestion }) };
    }
    if (warning) return { kind: 'warning', text: tCode('email.warning', warning.code) };
    // Core cleaned the input (a pasted name, full-width letters, invisible characters): say what is kept.
    if (v.valid && v.valid.display !== this.email.trim()) {
      return { kind: 'ok', text: t('email.cleaned', { address: v.valid.display }) };
    }
    return { kind: 'ok', text: t('form.valid_email') };
  });

  /**
   * The whole address core suggests instead of the one typed, to apply with one click: the keys of
   * a 한/영 slip read in 영문 mode, or the real domain behind a typo or a look-alike.
   */
  readonly emailSuggestion = $derived.by<string | null>(() => {
    const v = this.#emailVerdict?.verdict;
    if (!v || this.serverErrors.email) return null;
    const error = v.error;
    if (error?.code === 'korean_keyboard') return error.suggestion ?? null;
    const typedLocal = this.email.trim().slice(0, Math.max(0, this.email.trim().lastIndexOf('@')));
    if (error?.code === 'look_alike_domain' && error.suggestion && typedLocal) return `${typedLocal}@${error.suggestion}`;
    const warning = v.valid?.warnings.find((w) => w.code === 'did_you_mean');
    if (v.valid && warning?.code === 'did_you_mean') {
      const local = v.valid.address.slice(0, v.valid.address.lastIndexOf('@'));
      return `${local}@${warning.suggestion}`;
    }
    return null;
  });

  readonly phoneMessage = $derived.by<FieldMessage>(() => {
    if (this.serverErrors.phone) return { kind: 'error', text: fieldErrorText(this.serverErrors.phone) };
    const judged = this.#phoneVerdict;
    if (!judged) return null;
    if (judged.failed || !judged.verdict) return { kind: 'error', text: t('error.unknown') };
    const v = judged.verdict;
    if (v.error) {
      const e = v.error;
      const params: Record<string, string> = {};
      if (e.code === 'not_mobile') params.kind = tCode('phone.kind', e.kind);
      if (e.code === 'foreign_number_in_domestic_mode') params.country = countryName(e.country, currentLocale());
      return { kind: 'error', text: tCode('phone.error', e.code, params) };
    }
    if (v.valid?.suggest_domestic) return { kind: 'info', text: t('phone.notice.suggest_domestic') };
    return { kind: 'ok', text: t('form.valid_phone') };
  });

  constructor(host: FormHost) {
    this.#host = host;
  }

  // ---------- load and leave ----------

  /**
   * Restores the draft exactly as it was left; the form shows only after this, so nothing typed can
   * be overwritten by the restore. Returns the draft, for the page to put the focus and caret back.
   */
  async load(): Promise<Draft | null> {
    void this.#loadExample();
    const loaded = await attempt(() => commands.loadDraft());
    let draft: Draft | null = null;
    if (loaded.status === 'ok' && loaded.data) {
      draft = loaded.data;
      this.email = draft.email;
      this.phone = draft.phone;
      this.overseas = draft.overseas;
      this.country = draft.country;
      this.focus = draft.focus;
      if (draft.overseas) void this.#loadExample();
    } else if (loaded.status === 'error') {
      this.error = loaded.error;
    }
    this.notPrefilled = !draft && !!app.overview?.info;
    this.ready = true;
    if (this.email.trim()) void this.#judgeEmail();
    if (this.phone.trim()) void this.#judgePhone();
    return draft;
  }

  /** The page is going: stop every timer, and write a draft that was still waiting. */
  dispose(): void {
    for (const timer of [this.#emailTimer, this.#phoneTimer, this.#quietTimer]) if (timer) clearTimeout(timer);
    if (this.#draftTimer) {
      clearTimeout(this.#draftTimer);
      this.#draftTimer = null;
      void commands.saveDraft(this.snapshot()).catch(() => {});
    }
  }

  // ---------- what the user does ----------

  /** A keystroke in the e-mail field, which now holds `value`. */
  /** Puts core's suggested address in the field, to be judged like typing. */
  applyEmailSuggestion(): void {
    const suggestion = this.emailSuggestion;
    if (suggestion) this.emailInput(suggestion);
  }

  emailInput(value: string): void {
    this.email = value;
    this.serverErrors.email = null;
    if (this.#emailTimer) clearTimeout(this.#emailTimer);
    this.#emailTimer = setTimeout(() => void this.#judgeEmail(), VERDICT_DELAY);
    this.#draftSoon();
  }

  /**
   * A keystroke in the phone field: `value` and `caret` as the field has them. One call to core
   * reformats and judges; returns the text and caret to put in the field, or `null` when the field
   * stays as it is (nothing to reformat, or a newer keystroke came first: a late answer never
   * overwrites newer typing).
   */
  async phoneInput(value: string, caret: number): Promise<PhoneEdit | null> {
    this.phone = value;
    this.serverErrors.phone = null;
    this.#phoneQuiet = false;
    if (this.#phoneTimer) clearTimeout(this.#phoneTimer);
    if (this.#quietTimer) clearTimeout(this.#quietTimer);
    this.#quietTimer = setTimeout(() => (this.#phoneQuiet = true), VERDICT_DELAY);
    this.#draftSoon();
    const mine = ++this.#phoneSeq;
    const modeKey = this.modeKey;
    if (!value.trim()) {
      this.#phoneJudged = null;
      return null;
    }
    const stale = () => mine !== this.#phoneSeq || this.phone !== value || this.modeKey !== modeKey;
    try {
      const check = await commands.checkPhoneInput(value, caret, this.#mode());
      if (stale()) return null;
      this.phone = check.text;
      this.#phoneJudged = { input: check.text, modeKey, verdict: check.verdict, failed: false };
      return check.text === value ? null : { text: check.text, caret: check.caret };
    } catch {
      if (!stale()) this.#phoneJudged = { input: value, modeKey, verdict: null, failed: true };
      return null;
    }
  }

  /** A field took the focus. */
  focused(field: DraftFocus): void {
    this.focus = field;
  }

  /** A field lost the focus: the draft is written now. */
  blurred(): void {
    void this.saveDraft();
  }

  /** The overseas toggle: off forgets the country, on starts from the country IT preset (policy
   *  `default_overseas_country`) when none is chosen. The number is judged again for the new rules. */
  setOverseas(on: boolean): void {
    this.overseas = on;
    if (!on) this.country = null;
    else if (this.country === null) this.country = app.info?.default_overseas_country ?? null;
    this.#modeChanged();
  }

  /** A country chosen in the picker (or cleared). */
  chooseCountry(code: string | null): void {
    this.country = code;
    this.#modeChanged();
  }

  /** Validates in core and queues the save. */
  async submit(): Promise<SubmitResult> {
    if (!this.canSave) return { kind: 'blocked' };
    this.saving = true;
    this.error = null;
    const result = await attempt(() => commands.submitIdentity(this.snapshot()));
    this.saving = false;
    if (result.status === 'error') {
      this.error = result.error;
      return { kind: 'failed' };
    }
    const { overview, field_errors } = result.data;
    applyOverview(overview);
    if (field_errors.length > 0) {
      this.serverErrors = {
        email: field_errors.find((e) => e.field === 'email') ?? null,
        phone: field_errors.find((e) => e.field === 'phone') ?? null,
      };
      return { kind: 'field_errors', focus: this.serverErrors.email ? 'email' : 'phone' };
    }
    // What was saved is queued; a draft written after it would outlive the save it belongs to.
    this.#cancelDraft();
    return { kind: 'saved' };
  }

  // ---------- the draft ----------

  /** The form as it is now, caret included. */
  snapshot(): Draft {
    const { email, phone, overseas, country, focus } = this;
    return { email, phone, overseas, country, focus, caret: this.#host.caret(focus) };
  }

  /** Writes the draft now; durable when it resolves. */
  async saveDraft(): Promise<void> {
    this.#cancelDraft();
    await attempt(() => commands.saveDraft(this.snapshot()));
  }

  /** Once typing pauses for `DRAFT_IDLE`, and at least every `DRAFT_MAX_WAIT` while it goes on. */
  #draftSoon(): void {
    if (!this.ready) return;
    const now = Date.now();
    this.#unsavedSince ??= now;
    const wait = Math.min(DRAFT_IDLE, Math.max(0, this.#unsavedSince + DRAFT_MAX_WAIT - now));
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => void this.saveDraft(), wait);
  }

  #cancelDraft(): void {
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = null;
    this.#unsavedSince = null;
  }

  // ---------- verdicts ----------

  #mode(): PhoneMode_Deserialize {
    return this.overseas ? { mode: 'overseas', country: this.country } : { mode: 'domestic' };
  }

  async #judgeEmail(): Promise<void> {
    const input = this.email;
    if (!input.trim()) {
      this.#emailJudged = null;
      return;
    }
    const account = app.overview?.account?.address ?? null;
    try {
      const verdict = await commands.validateEmail(input, account);
      if (input === this.email) this.#emailJudged = { input, verdict, failed: false };
    } catch {
      if (input === this.email) this.#emailJudged = { input, verdict: null, failed: true };
    }
  }

  /** Judges the phone field as it stands (no keystroke: nothing to reformat). */
  async #judgePhone(): Promise<void> {
    const input = this.phone;
    const modeKey = this.modeKey;
    if (!input.trim()) {
      this.#phoneJudged = null;
      return;
    }
    try {
      const verdict = await commands.validatePhone(input, this.#mode());
      if (input === this.phone && modeKey === this.modeKey) this.#phoneJudged = { input, modeKey, verdict, failed: false };
    } catch {
      if (input === this.phone && modeKey === this.modeKey) this.#phoneJudged = { input, modeKey, verdict: null, failed: true };
    }
  }

  /** New rules for the phone: its verdict, placeholder and stored draft follow. */
  #modeChanged(): void {
    this.serverErrors.phone = null;
    void this.#loadExample();
    void this.saveDraft();
    if (this.#phoneTimer) clearTimeout(this.#phoneTimer);
    if (this.ready && this.phone.trim()) this.#phoneTimer = setTimeout(() => void this.#judgePhone(), VERDICT_DELAY);
  }

  /** The placeholder shows the chosen country's example mobile number (Korea's in domestic mode). */
  async #loadExample(): Promise<void> {
    const code = this.overseas ? this.country : 'KR';
    if (!code) {
      this.example = null;
      return;
    }
    try {
      const example = await commands.phoneExample(code);
      if ((this.overseas ? this.country : 'KR') === code) this.example = example ? example.national : null;
    } catch {
      this.example = null;
    }
  }
}

/** Core's refusal of a field, in the user's language. */
/** An e-mail refusal; a look-alike domain or a 한/영 slip names what core found was meant. */
function emailErrorText(code: string, params: Record<string, string>): string {
  if (code === 'look_alike_domain' && params.suggestion) {
    return t('email.error.look_alike_domain_of', { suggestion: params.suggestion });
  }
  if (code === 'korean_keyboard' && params.suggestion) {
    return t('email.error.korean_keyboard_of', { suggestion: params.suggestion });
  }
  return tCode('email.error', code, params);
}

function fieldErrorText(e: FieldError): string {
  if (e.field === 'email') return emailErrorText(e.code, { ...e.params });
  const params: Record<string, string> = { ...e.params };
  if (e.field === 'phone' && params.kind) params.kind = tCode('phone.kind', params.kind);
  return tCode(`${e.field}.error`, e.code, params);
}
