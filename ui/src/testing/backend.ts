/**
 * A scripted stand-in for the Rust side, shared by the component tests (through `mockIPC`) and the
 * screenshot run (bundled into the page before the app loads). Its validation is a crude imitation
 * of core's — enough to drive every message the form can show; the real rules are tested in core.
 */
import type {
  AppInfo,
  Channel,
  CodeView,
  CommandError,
  ConsentReceipt,
  Country,
  Draft,
  FieldError,
  MaskedInfo,
  Notice,
  Overview,
  ReconfirmView,
  SyncStatus,
  UpdateStatus,
  VerificationView,
} from '../lib/types';

export const ACCOUNT = { address: 'hong@company.co.kr', display_name: '홍길동', organisation: '회사' };

export const NOTICE_KO = `[선택] 본인 인증 정보 수집 및 이용 동의

서비스 이용 중 비밀번호 분실이나 보안 설정 등의 사유로 계정에 액세스가 불가능한 경우, 본인 확인을 위해 이메일 주소와 휴대폰 번호를 수집·이용합니다. 계정이 완전히 삭제되거나 본인 인증 정보가 삭제될 경우, 수집된 정보는 지체 없이 파기됩니다.

1. 수집항목: 이메일 주소, 휴대폰 번호
2. 이용목적: 본인 인증, 보안 향상, 부정 이용 방지
3. 보유 기간: 계정 완전 삭제 또는 사용자가 본인 인증 정보를 삭제할 때 즉시 파기

정보 주체는 위 본인 인증 정보 수집 및 이용에 동의를 거부할 수 있으며, 동의하지 않더라도 본인 인증 수단 이외의 서비스 이용에는 지장이 없음을 안내드립니다.
`;

export const NOTICE_EN = `[Optional] Consent to the collection and use of identity-verification info

If, while using the service, you cannot access your account because you lost your password or because of security settings, your e-mail address and mobile phone number are collected and used to confirm your identity. When the account is completely deleted or the identity-verification info is deleted, the collected info is destroyed without delay.

1. Items collected: e-mail address, mobile phone number
2. Purpose: identity verification, better security, prevention of fraudulent use
3. Retention: destroyed immediately when the account is completely deleted or the user deletes the identity-verification info

The data subject may refuse this consent to the collection and use of identity-verification info; even without consent, services other than the identity-verification means can be used without hindrance.
`;

export const MASKED: MaskedInfo = {
  email: 'ab***@naver.com',
  phone: '010-****-5678',
  phone_country: 'KR',
  overseas: false,
  email_verified_at: '2025-03-02T09:14:00+09:00',
  phone_verified_at: '2025-03-02T09:15:00+09:00',
};

/** The code the scripted backend accepts; any other six digits are wrong. */
export const GOOD_CODE = '123456';
/** A code's life and the wait before 다시 받기, as core has them. */
export const CODE_TTL_S = 180;
export const RESEND_AFTER_S = 60;
export const CODE_TRIES = 5;

const RECONFIRM_OFF: ReconfirmView = { days: 0, locked: false, confirmed_at: '2025-03-02T09:16:00+09:00', due: false };

function later(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

/** One channel's code as just sent: the clock runs from now. */
export function sentCode(channel: Channel, over: Partial<CodeView> = {}): CodeView {
  return {
    channel,
    destination: channel === 'email' ? 'ab***@naver.com' : '010-****-5678',
    state: 'sent',
    expires_at: later(CODE_TTL_S),
    resend_at: later(RESEND_AFTER_S),
    attempts_left: CODE_TRIES,
    reason: null,
    retry_at: null,
    ...over,
  };
}

function verification(codes: CodeView[], purpose: VerificationView['purpose'] = 'change'): VerificationView {
  return { purpose, codes };
}

export function overview(over: Partial<Overview> = {}): Overview {
  return {
    account: ACCOUNT,
    consent: { state: 'agreed', notice_version: '2025-01', decided_at: '2025-03-02T09:15:00+09:00' },
    needs_consent: false,
    info: MASKED,
    updated_at: '2025-03-02T09:16:00+09:00',
    sync: { state: 'synced', at: '2025-03-02T09:16:00+09:00' },
    online: true,
    credential_store: 'os',
    verification: null,
    reconfirm: RECONFIRM_OFF,
    other_server_writes: 0,
    account_gone: false,
    ...over,
  };
}

/** The named states every screen is shown in. */
export const STATES = {
  signedOut: () => overview({ account: null, info: null, sync: { state: 'synced', at: null } }),
  firstLogin: () =>
    overview({
      consent: { state: 'pending', notice_version: null, decided_at: null },
      needs_consent: true,
      info: null,
      updated_at: null,
    }),
  agreedEmpty: () => overview({ info: null, updated_at: null, sync: { state: 'saved_locally' } }),
  /** Agreed, nothing registered and nothing waiting (or everything deleted): no status to show. */
  nothingYet: () => overview({ info: null, updated_at: null, sync: { state: 'synced', at: null } }),
  registered: () => overview(),
  refused: () =>
    overview({
      consent: { state: 'refused', notice_version: '2025-01', decided_at: '2025-03-02T09:15:00+09:00' },
      info: null,
      updated_at: null,
      sync: { state: 'pending', retry_at: null, reason: null },
    }),
  pendingOffline: () =>
    overview({
      online: false,
      sync: { state: 'pending', retry_at: '2025-03-02T09:20:00+09:00', reason: { code: 'offline', params: {} } },
    }),
  syncError: () => overview({ sync: { state: 'error', reason: { code: 'invalid_fields', params: {} } } }),
  conflict: () =>
    overview({
      sync: {
        state: 'conflict',
        mine: {
          email: 'ne***@gmail.com',
          phone: '010-****-1234',
          phone_country: 'KR',
          overseas: false,
          email_verified_at: null,
          phone_verified_at: null,
        },
        mine_at: '2025-03-05T14:30:00+09:00',
        server: MASKED,
      },
    }),
  signInRequired: () => overview({ sync: { state: 'sign_in_required' } }),
  /** A save waits for two codes: the e-mail's is asked for first. */
  verifySent: () =>
    overview({ sync: { state: 'pending', retry_at: null, reason: null }, verification: verification([sentCode('email'), sentCode('phone')]) }),
  /** The e-mail is confirmed; the phone's code is asked for. */
  verifyPhone: () =>
    overview({
      sync: { state: 'pending', retry_at: null, reason: null },
      verification: verification([sentCode('email', { state: 'confirmed' }), sentCode('phone', { resend_at: later(-1) })]),
    }),
  verifyExpired: () =>
    overview({
      verification: verification([sentCode('email', { state: 'expired', expires_at: later(-5), resend_at: later(-65) })]),
    }),
  verifyExhausted: () =>
    overview({ verification: verification([sentCode('email', { state: 'exhausted', attempts_left: 0, resend_at: later(-1) })]) }),
  verifyOffline: () =>
    overview({
      online: false,
      sync: { state: 'pending', retry_at: null, reason: { code: 'offline', params: {} } },
      verification: verification([
        sentCode('email', { state: 'waiting_for_network', expires_at: null, resend_at: null }),
        sentCode('phone', { state: 'waiting_for_network', expires_at: null, resend_at: null }),
      ]),
    }),
  /** The daily cap of texts to this number is reached. */
  verifyCapped: () =>
    overview({
      verification: verification([
        sentCode('phone', {
          state: 'not_sent',
          expires_at: null,
          resend_at: null,
          reason: { code: 'rate_limited', params: { seconds: '3600' } },
          retry_at: later(3600),
        }),
      ]),
    }),
  /** IT has not configured an SMS sender. */
  verifyNoSender: () =>
    overview({
      verification: verification([
        sentCode('phone', { state: 'not_sent', expires_at: null, resend_at: null, reason: { code: 'sender_not_configured', params: {} } }),
      ]),
    }),
  /** 확인하기 on an address registered before codes existed. */
  verifyRegistered: () => overview({ verification: verification([sentCode('email')], 'registered') }),
  /** Registered before codes existed: neither value is verified. */
  unverified: () => overview({ info: { ...MASKED, email_verified_at: null, phone_verified_at: null } }),
  /** A change waits for the password (step-up). */
  passwordRequired: () => overview({ sync: { state: 'password_required' } }),
  reconfirmDue: () => overview({ reconfirm: { days: 365, locked: false, confirmed_at: '2025-03-02T09:16:00+09:00', due: true } }),
  reconfirmLocked: () => overview({ reconfirm: { days: 180, locked: true, confirmed_at: '2025-03-02T09:16:00+09:00', due: true } }),
  /** The OS credential store could not be read at start-up: everything is kept sealed. */
  credentialStoreUnavailable: () => overview({ sync: { state: 'credential_store_unavailable' } }),
  /** Start-up: the kept info shown, the server being asked behind it. */
  startChecking: () => overview({ sync: { state: 'checking' } }),
  /** Start-up: the server takes the request and never answers; the kept info stays. */
  startNotAnswering: () => overview({ online: false, sync: { state: 'unreachable', why: 'not_answering' } }),
  /** Start-up: no connection at all. */
  startOffline: () => overview({ online: false, sync: { state: 'unreachable', why: 'offline' } }),
  /** IT moved the app to another server while two changes waited for the old one. */
  otherServerWrites: () => overview({ other_server_writes: 2 }),
  /** The organisation deleted the account: everything local was wiped; the sign-in screen says so. */
  accountGone: () =>
    overview({ account: null, info: null, consent: { state: 'pending', notice_version: null, decided_at: null }, sync: { state: 'synced', at: null }, account_gone: true }),
} satisfies Record<string, () => Overview>;

const COUNTRIES: Country[] = [
  { code: 'KR', calling_code: 82, name_ko: '대한민국', name_en: 'South Korea' },
  { code: 'JP', calling_code: 81, name_ko: '일본', name_en: 'Japan' },
  { code: 'US', calling_code: 1, name_ko: '미국', name_en: 'United States' },
  { code: 'GB', calling_code: 44, name_ko: '영국', name_en: 'United Kingdom' },
  { code: 'VN', calling_code: 84, name_ko: '베트남', name_en: 'Vietnam' },
  { code: 'CN', calling_code: 86, name_ko: '중국', name_en: 'China' },
];

export type Scenario = {
  info?: Partial<AppInfo>;
  overview: Overview;
  notice?: 'ok' | CommandError;
  draft?: Draft | null;
  receipts?: ConsentReceipt[];
  fieldErrors?: FieldError[];
  /** Commands that answer with this error (snake_case command names). */
  errors?: Record<string, CommandError>;
  /** The updater's state; a build without an updater when left out. */
  update?: UpdateStatus;
  /** What a check finds (`check_for_update`); the same state when left out. */
  updateFound?: UpdateStatus;
  /** What the next `overview` after a sign-in returns. */
  afterSignIn?: Overview;
  /** `sign_in` gets no answer from the server: it waits until `cancel_sign_in`. */
  signInHangs?: boolean;
  /** `submit_identity` asks for codes (as core does for new or changed values). */
  codesOnSubmit?: boolean;
  /** The password `step_up` accepts; any other is `invalid_credentials`. */
  password?: string;
  /** Every call, for assertions. */
  calls?: { cmd: string; args: Record<string, unknown> }[];
};

function digits(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\D/g, '');
}

function grouped(d: string): string {
  if (d.length <= 3) return d;
  if (d.length <= 7) return `${d.slice(0, 3)}-${d.slice(3)}`;
  return `${d.slice(0, 3)}-${d.slice(3, 7)}-${d.slice(7)}`;
}

export function formatPhone(input: string, caret: number, overseas: boolean) {
  if (overseas || input.trim().startsWith('+') || /[^\d\s\-０-９]/.test(input)) return { text: input, caret };
  const d = digits(input);
  const before = digits(input.slice(0, caret)).length;
  const text = grouped(d);
  let seen = 0;
  let at = 0;
  while (at < text.length && seen < before) {
    if (/\d/.test(text[at]!)) seen++;
    at++;
  }
  return { text, caret: before === 0 ? 0 : at };
}

function validatePhone(input: string, mode: { mode: string; country?: string | null }) {
  if (!input.trim()) return { valid: null, error: { code: 'empty' } };
  if (/[a-zA-Z가-힣]/.test(input)) return { valid: null, error: { code: 'not_a_number' } };
  const d = digits(input);
  if (mode.mode === 'overseas') {
    if (!mode.country && !input.trim().startsWith('+')) return { valid: null, error: { code: 'invalid_country_code' } };
    if (d.length < 8) return { valid: null, error: { code: 'too_short' } };
    const country = mode.country ?? 'US';
    return {
      valid: { e164: `+${d}`, national: input, international: input, kind: 'mobile', country, suggest_domestic: country === 'KR' },
      error: null,
    };
  }
  if (input.trim().startsWith('+') && !input.trim().startsWith('+82')) {
    return { valid: null, error: { code: 'foreign_number_in_domestic_mode', country: 'JP' } };
  }
  const local = d.startsWith('82') ? '0' + d.slice(2) : d;
  if (local.startsWith('02') || local.startsWith('03') || local.startsWith('05')) {
    return { valid: null, error: { code: 'not_mobile', kind: 'fixed_line' } };
  }
  if (local.startsWith('070')) return { valid: null, error: { code: 'not_mobile', kind: 'voip' } };
  if (local.length < 11) return { valid: null, error: { code: 'too_short' } };
  if (local.length > 11) return { valid: null, error: { code: 'too_long' } };
  return {
    valid: { e164: `+82${local.slice(1)}`, national: grouped(local), international: '', kind: 'mobile', country: 'KR', suggest_domestic: false },
    error: null,
  };
}

/** Core's cleaning, as far as the screens show it: a pasted `Name <address>` or `mailto:` link. */
function cleaned(input: string): string {
  let s = input.trim();
  const angle = /<([^<>]*)>$/.exec(s);
  if (angle?.[1] !== undefined) s = angle[1].trim();
  return s.replace(/^mailto:/i, '');
}

function validateEmail(input: string, account: string | null) {
  const s = cleaned(input);
  if (!s) return { valid: null, error: { code: 'empty' } };
  if (!s.includes('@')) return { valid: null, error: { code: 'missing_at' } };
  const [local, domain] = s.split('@') as [string, string];
  if (!local) return { valid: null, error: { code: 'invalid_local_part' } };
  if (!domain || !domain.includes('.') || domain.endsWith('.')) return { valid: null, error: { code: 'invalid_domain' } };
  if (account && s.toLowerCase() === account.toLowerCase()) return { valid: null, error: { code: 'same_as_account' } };
  // Core refuses look-alike domains (a Cyrillic а in naver.com) and names the real one.
  if (domain === 'n\u0430ver.com') return { valid: null, error: { code: 'look_alike_domain', suggestion: 'naver.com' } };
  // Core reads a domain typed in 한글 mode back to the keys (ㅜㅁㅍㄷㄱ.채ㅡ → naver.com), and refuses internal domains.
  if (domain === 'ㅜㅁㅍㄷㄱ.채ㅡ') return { valid: null, error: { code: 'korean_keyboard', suggestion: `${local}@naver.com` } };
  if (/[\u3131-\u318e]/.test(domain)) return { valid: null, error: { code: 'korean_keyboard', suggestion: null } };
  if (/(^|\.)(local|localhost|test|invalid|example|internal|onion)$/.test(domain)) return { valid: null, error: { code: 'reserved_domain' } };
  const warnings: unknown[] = [];
  if (account && domain.toLowerCase() === account.split('@')[1]) warnings.push({ code: 'same_domain_as_account' });
  if (domain === 'naver.con') warnings.push({ code: 'did_you_mean', suggestion: 'naver.com' });
  return { valid: { address: s, display: s, warnings }, error: null };
}

function mask(draft: Draft): MaskedInfo {
  const d = digits(draft.phone);
  return {
    email: draft.email ? draft.email.replace(/^(.{2})[^@]*/, '$1***') : null,
    phone: d ? `${d.slice(0, 3)}-****-${d.slice(-4)}` : null,
    phone_country: draft.overseas ? draft.country : d ? 'KR' : null,
    overseas: draft.overseas,
    email_verified_at: null,
    phone_verified_at: null,
  };
}

/** The IPC handler for a scenario: answers like the Rust commands, throws `CommandError`s like them. */
export function backend(s: Scenario) {
  let current = s.overview;
  let draft = s.draft ?? null;
  let update: UpdateStatus = s.update ?? { state: 'not_configured', version: null, current_version: '0.1.0' };
  /** The save waiting for its codes, given back by `cancel_verification`. */
  let waiting: Draft | null = null;
  /** Ends a hanging `sign_in` (see `signInHangs`). */
  let cancelSignIn: (() => void) | null = null;
  s.calls ??= [];
  const fail = (code: string, params: Record<string, string> = {}): never => {
    throw { code, params } satisfies CommandError;
  };
  /** The channel's code, or `no_verification`. */
  const codeOf = (channel: Channel): CodeView => {
    const code = current.verification?.codes.find((c) => c.channel === channel);
    return code ?? fail('no_verification');
  };
  const withCode = (channel: Channel, next: CodeView) => {
    const v = current.verification!;
    current = { ...current, verification: { ...v, codes: v.codes.map((c) => (c.channel === channel ? next : c)) } };
  };
  return (cmd: string, payload?: unknown): unknown => {
    const args = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
    s.calls!.push({ cmd, args });
    const failure = s.errors?.[cmd];
    if (failure) throw failure;
    switch (cmd) {
      case 'app_info':
        return {
          version: '0.1.0',
          locale: 'ko',
          allowed_locales: ['ko', 'en'],
          managed: [],
          webmail_url: 'https://mail.company.co.kr',
          helpdesk: null,
          default_overseas_country: null,
          ...s.info,
        };
      case 'restore_session':
        return current.account;
      case 'overview':
        return current;
      case 'refresh':
        return current;
      case 'sign_in':
        if (s.signInHangs) {
          return new Promise((_, reject) => {
            cancelSignIn = () => reject({ code: 'sign_in_cancelled', params: {} } satisfies CommandError);
          });
        }
        current = s.afterSignIn ?? (current.account ? { ...current, sync: { state: 'synced', at: null } } : STATES.registered());
        return ACCOUNT;
      case 'cancel_sign_in':
        cancelSignIn?.();
        cancelSignIn = null;
        return null;
      case 'sign_out':
        current = STATES.signedOut();
        draft = null;
        return null;
      case 'notice': {
        if (s.notice && s.notice !== 'ok') throw s.notice;
        const locale = args.locale as 'ko' | 'en';
        return { version: '2025-01', locale, text: locale === 'en' ? NOTICE_EN : NOTICE_KO, sha256: 'ab'.repeat(32) } satisfies Notice;
      }
      case 'decide_consent': {
        const decision = args.decision as 'agreed' | 'refused';
        const pending: SyncStatus = { state: 'pending', retry_at: null, reason: null };
        current = {
          ...current,
          consent: { state: decision, notice_version: String(args.noticeVersion), decided_at: '2025-03-02T09:15:00+09:00' },
          needs_consent: false,
          sync: pending,
        };
        return current;
      }
      case 'consent_receipts':
        return s.receipts ?? [];
      case 'load_draft':
        return draft;
      case 'save_draft':
        draft = args.draft as Draft;
        return null;
      case 'discard_draft':
        draft = null;
        return null;
      case 'submit_identity': {
        if (s.fieldErrors?.length) return { overview: current, field_errors: s.fieldErrors };
        const submitted = args.draft as Draft;
        draft = null;
        if (s.codesOnSubmit) {
          waiting = submitted;
          const codes: CodeView[] = [];
          const masked = mask(submitted);
          if (masked.email) codes.push(sentCode('email', { destination: masked.email }));
          if (masked.phone) codes.push(sentCode('phone', { destination: masked.phone }));
          current = { ...current, sync: { state: 'pending', retry_at: null, reason: null }, verification: verification(codes) };
          return { overview: current, field_errors: [] };
        }
        current = { ...current, info: mask(submitted), sync: { state: 'pending', retry_at: null, reason: null } };
        return { overview: current, field_errors: [] };
      }
      case 'delete_identity':
        current = {
          ...current,
          info: null,
          updated_at: null,
          consent: { ...current.consent, state: 'withdrawn', decided_at: '2025-03-03T10:00:00+09:00' },
          // Offline, the delete waits in the outbox like any write.
          sync: current.online
            ? { state: 'synced', at: null }
            : { state: 'pending', retry_at: null, reason: { code: 'offline', params: {} } },
        };
        return current;
      case 'resolve_conflict':
        current = { ...current, sync: { state: 'pending', retry_at: null, reason: null } };
        return current;
      case 'retry_credential_store':
        current = { ...current, sync: { state: 'synced', at: null } };
        return current;
      case 'discard_other_server_writes':
        current = { ...current, other_server_writes: 0 };
        return current;
      case 'confirm_code': {
        const channel = args.channel as Channel;
        const typed = String(args.code);
        if (!/^\d{6}$/.test(typed)) fail('code_format');
        const code = codeOf(channel);
        if (code.state === 'waiting_for_network' || !current.online) fail('offline');
        if (code.state === 'expired' || (code.expires_at && Date.parse(code.expires_at) <= Date.now())) {
          withCode(channel, { ...code, state: 'expired' });
          fail('code_expired');
        }
        if (code.state === 'exhausted') fail('code_exhausted');
        if (typed !== GOOD_CODE) {
          const left = Math.max(0, code.attempts_left - 1);
          withCode(channel, { ...code, attempts_left: left, state: left === 0 ? 'exhausted' : code.state });
          if (left === 0) fail('code_exhausted');
          fail('code_incorrect', { attempts_left: String(left) });
        }
        withCode(channel, { ...code, state: 'confirmed' });
        const v = current.verification!;
        if (v.codes.every((c) => c.state === 'confirmed')) {
          const now = new Date().toISOString();
          const base = waiting ? mask(waiting) : (current.info ?? mask({ email: '', phone: '', overseas: false, country: null, focus: null, caret: null }));
          const info: MaskedInfo = { ...base };
          for (const c of v.codes) {
            if (c.channel === 'email') info.email_verified_at = now;
            else info.phone_verified_at = now;
          }
          if (waiting && current.info) {
            // A change keeps the verified date of a value it did not change.
            if (info.email === current.info.email && !info.email_verified_at) info.email_verified_at = current.info.email_verified_at;
            if (info.phone === current.info.phone && !info.phone_verified_at) info.phone_verified_at = current.info.phone_verified_at;
          }
          waiting = null;
          current = {
            ...current,
            info,
            verification: null,
            sync: current.online ? { state: 'synced', at: now } : current.sync,
            updated_at: current.online ? now : current.updated_at,
          };
        }
        return current;
      }
      case 'resend_code': {
        const channel = args.channel as Channel;
        const code = codeOf(channel);
        if (!current.online) fail('offline');
        if (code.reason?.code === 'sender_not_configured') fail('sender_not_configured');
        if (code.state === 'not_sent' && code.retry_at && Date.parse(code.retry_at) > Date.now()) {
          fail('verification_rate_limited', { seconds: String(Math.ceil((Date.parse(code.retry_at) - Date.now()) / 1000)) });
        }
        if (code.resend_at && Date.parse(code.resend_at) > Date.now()) {
          fail('resend_too_soon', { seconds: String(Math.ceil((Date.parse(code.resend_at) - Date.now()) / 1000)) });
        }
        withCode(channel, sentCode(channel, { destination: code.destination }));
        return current;
      }
      case 'cancel_verification': {
        const purpose = current.verification?.purpose;
        current = { ...current, verification: null, sync: { state: 'saved_locally' } };
        if (purpose === 'change' && waiting) {
          draft = waiting;
          waiting = null;
          return draft;
        }
        current = { ...current, sync: { state: 'synced', at: null } };
        return null;
      }
      case 'verify_registered': {
        const channel = args.channel as Channel;
        const destination = channel === 'email' ? current.info?.email : current.info?.phone;
        if (!destination) fail('no_verification');
        current = { ...current, verification: verification([sentCode(channel, { destination: destination! })], 'registered') };
        return current;
      }
      case 'step_up': {
        if (!current.online) fail('offline');
        if (String(args.password) !== (s.password ?? 'correct horse')) fail('invalid_credentials');
        current = { ...current, sync: { state: 'synced', at: new Date().toISOString() } };
        return current;
      }
      case 'keep_info':
        current = {
          ...current,
          reconfirm: { ...current.reconfirm, confirmed_at: new Date().toISOString(), due: false },
        };
        return current;
      case 'open_webmail':
      case 'open_helpdesk':
      case 'mark_interactive':
        return null;
      case 'export_diagnostics':
        return '/home/user/Downloads/mail-identity-diagnostics-1764300000.zip';
      case 'set_locale':
        return null;
      case 'update_status':
        return update;
      case 'check_for_update':
        update = s.updateFound ?? update;
        return update;
      case 'install_update':
        return null;
      case 'validate_phone':
        return validatePhone(String(args.input), args.mode as { mode: string; country?: string | null });
      case 'check_phone_input': {
        const mode = args.mode as { mode: string; country?: string | null };
        const formatted = formatPhone(String(args.input), Number(args.caret), mode.mode === 'overseas');
        return { ...formatted, verdict: validatePhone(formatted.text, mode) };
      }
      case 'validate_email':
        return validateEmail(String(args.input), (args.account as string | null) ?? null);
      case 'search_countries': {
        const q = String(args.query).trim().toLowerCase().replace(/^\+/, '');
        return COUNTRIES.filter(
          (c) => !q || c.name_ko.includes(q) || c.name_en.toLowerCase().includes(q) || String(c.calling_code).startsWith(q),
        );
      }
      case 'phone_example': {
        const examples: Record<string, string> = { KR: '010-2000-0000', JP: '090-1234-5678', US: '(201) 555-0123' };
        const national = examples[String(args.country)];
        return national ? { national, international: national } : null;
      }
      default:
        throw { code: 'unknown', params: {} } satisfies CommandError;
    }
  };
}
