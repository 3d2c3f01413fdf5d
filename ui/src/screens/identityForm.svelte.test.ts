/** The identity form's behaviour without its page: verdicts, timing, the draft and the save. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { app } from '../lib/app.svelte';
import { setLocale } from '../lib/i18n.svelte';
import { backend, STATES, type Scenario } from '../testing/backend';
import type { Draft, DraftFocus } from '../lib/types';
import { DRAFT_IDLE, DRAFT_MAX_WAIT, IdentityForm, VERDICT_DELAY } from './identityForm.svelte';

type Calls = NonNullable<Scenario['calls']>;

/** A form over a scripted backend, loaded; `caret` is what the page would report. */
async function loaded(scenario: Partial<Scenario> = {}, caret: (focus: DraftFocus | null) => number | null = () => null) {
  const full: Scenario = { overview: STATES.agreedEmpty(), ...scenario };
  app.overview = full.overview;
  mockIPC(backend(full));
  const form = new IdentityForm({ caret });
  const draft = await form.load();
  await settle();
  return { form, draft, calls: full.calls! };
}

/** Lets answers already on their way arrive, without moving the clock. */
async function settle() {
  await vi.advanceTimersByTimeAsync(0);
}

/** The commands called since `from`, by name. */
function since(calls: Calls, from: number): string[] {
  return calls.slice(from).map((c) => c.cmd);
}

function count(calls: Calls, cmd: string): number {
  return calls.filter((c) => c.cmd === cmd).length;
}

function lastDraft(calls: Calls): Draft | undefined {
  return calls.filter((c) => c.cmd === 'save_draft').at(-1)?.args.draft as Draft | undefined;
}

/** Types `text` into the phone field one character at a time, `gap` ms apart. */
async function typePhone(form: IdentityForm, text: string, gap: number) {
  for (const char of text) {
    const value = form.phone + char;
    await form.phoneInput(value, value.length);
    await vi.advanceTimersByTimeAsync(gap);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  setLocale('ko');
});

afterEach(() => {
  vi.useRealTimers();
  clearMocks();
  app.overview = null;
});

describe('the phone field', () => {
  it('costs one call per keystroke: the text, the caret and the verdict come back together', async () => {
    const { form, calls } = await loaded();
    const from = calls.length;
    const edit = await form.phoneInput('01012345678', 11);
    expect(edit).toEqual({ text: '010-1234-5678', caret: 13 });
    expect(form.phone).toBe('010-1234-5678');
    expect(since(calls, from)).toEqual(['check_phone_input']);
    expect(calls.at(-1)!.args).toEqual({ input: '01012345678', caret: 11, mode: { mode: 'domestic' } });
  });

  it('shows the verdict only after a pause in typing, and saving waits for it', async () => {
    const { form } = await loaded();
    await form.phoneInput('01012345678', 11);
    expect(form.phoneMessage).toBeNull();
    expect(form.canSave).toBe(false);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.phoneMessage).toEqual({ kind: 'ok', text: '휴대폰 번호 형식이 맞습니다.' });
    expect(form.canSave).toBe(true);
  });

  it('names the reason with its parameters localized', async () => {
    const { form } = await loaded();
    await form.phoneInput('070-1234-5678', 13);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.phoneMessage).toMatchObject({ kind: 'error', text: expect.stringMatching(/번호 종류: 인터넷 전화/) });
    await form.phoneInput('+81 90-1234-5678', 16);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.phoneMessage?.text).toMatch(/국가: 일본/);
    expect(form.canSave).toBe(false);
  });

  it('leaves the field alone when nothing changes, and lets a late answer overwrite nothing', async () => {
    const { form } = await loaded();
    expect(await form.phoneInput('010-1234', 8)).toBeNull();
    const late = form.phoneInput('0101234', 7);
    const newer = form.phoneInput('01012345', 8);
    expect(await late).toBeNull();
    expect(await newer).toEqual({ text: '010-1234-5', caret: 10 });
    expect(form.phone).toBe('010-1234-5');
  });

  it('asks nothing for a blank field and shows nothing for it', async () => {
    const { form, calls } = await loaded();
    await form.phoneInput('010', 3);
    const from = calls.length;
    expect(await form.phoneInput('', 0)).toBeNull();
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(since(calls, from)).not.toContain('check_phone_input');
    expect(form.phoneMessage).toBeNull();
  });

  it('says the check failed when core could not be asked', async () => {
    const { form } = await loaded({ errors: { check_phone_input: { code: 'unknown', params: {} } } });
    expect(await form.phoneInput('01012345678', 11)).toBeNull();
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.phoneMessage).toEqual({ kind: 'error', text: expect.any(String) });
    expect(form.canSave).toBe(false);
  });
});

describe('the e-mail field', () => {
  it('is judged once typing pauses: one check for a burst, against the signed-in account', async () => {
    const { form, calls } = await loaded();
    for (const value of ['a', 'ab', 'ab@', 'ab@n', 'ab@naver.com']) form.emailInput(value);
    expect(count(calls, 'validate_email')).toBe(0);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    const checks = calls.filter((c) => c.cmd === 'validate_email');
    expect(checks.map((c) => c.args)).toEqual([{ input: 'ab@naver.com', account: 'hong@company.co.kr' }]);
    expect(form.emailMessage).toEqual({ kind: 'ok', text: '메일 주소 형식이 맞습니다.' });
  });

  it('shows a warning without blocking the save, and an error that blocks it', async () => {
    const { form } = await loaded();
    form.emailInput('me@naver.con');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({ kind: 'warning', text: expect.stringMatching(/naver\.com/) });
    expect(form.canSave).toBe(true);
    form.emailInput('hong@company.co.kr');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage?.kind).toBe('error');
    expect(form.canSave).toBe(false);
  });

  it('refuses a look-alike domain and names the real one', async () => {
    const { form } = await loaded();
    form.emailInput('me@n\u0430ver.com');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({ kind: 'error', text: expect.stringMatching(/naver\.com 주소라면/) });
    expect(form.canSave).toBe(false);
    expect(form.emailSuggestion).toBe('me@naver.com');
  });

  it('reads a 한/영 slip back and applies the suggested address in one step', async () => {
    const { form, calls } = await loaded();
    form.emailInput('hong@ㅜㅁㅍㄷㄱ.채ㅡ');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({
      kind: 'error',
      text: '혹시 hong@naver.com 주소를 입력하려고 하셨나요? 한/영 키가 한글로 되어 있는지 확인해 주세요.',
    });
    expect(form.emailSuggestion).toBe('hong@naver.com');
    expect(form.canSave).toBe(false);
    form.applyEmailSuggestion();
    expect(form.email).toBe('hong@naver.com');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(calls.filter((c) => c.cmd === 'validate_email').at(-1)?.args.input).toBe('hong@naver.com');
    expect(form.emailMessage).toEqual({ kind: 'ok', text: expect.any(String) });
    expect(form.emailSuggestion).toBeNull();
    expect(form.canSave).toBe(true);
  });

  it('refuses jamo with no reading without offering anything', async () => {
    const { form } = await loaded();
    form.emailInput('hong@ㅎㅎ.com');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({ kind: 'error', text: expect.stringMatching(/한\/영 키를 눌러/) });
    expect(form.emailSuggestion).toBeNull();
  });

  it('refuses an internal domain with its own reason', async () => {
    const { form } = await loaded();
    form.emailInput('hong@corp.gcloud.local');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({ kind: 'error', text: expect.stringMatching(/외부에서 보낸 메일을 받을 수 없습니다/) });
    expect(form.canSave).toBe(false);
  });

  it('says which address is kept when core cleaned a pasted one', async () => {
    const { form } = await loaded();
    form.emailInput('홍길동 <hong@naver.com>');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage).toEqual({ kind: 'ok', text: '다음 주소로 저장합니다: hong@naver.com' });
    expect(form.canSave).toBe(true);
  });

  it('offers the real domain of a typo as a whole address', async () => {
    const { form } = await loaded();
    form.emailInput('me@naver.con');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailSuggestion).toBe('me@naver.com');
    form.applyEmailSuggestion();
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage?.kind).toBe('ok');
  });

  it('shows the new reasons in English too', async () => {
    setLocale('en');
    const { form } = await loaded();
    form.emailInput('hong@ㅜㅁㅍㄷㄱ.채ㅡ');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage?.text).toMatch(/^Did you mean hong@naver\.com\? .*한\/영 key/);
    form.emailInput('hong@gcloud.local');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.emailMessage?.text).toMatch(/internal or reserved domain/);
  });
});

describe('the draft', () => {
  it('is written once typing pauses, with the focus and the caret', async () => {
    const { form, calls } = await loaded({}, (focus) => (focus === 'email' ? 5 : null));
    form.focused('email');
    form.emailInput('ab@naver.com');
    await vi.advanceTimersByTimeAsync(DRAFT_IDLE - 1);
    expect(count(calls, 'save_draft')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(count(calls, 'save_draft')).toBe(1);
    expect(lastDraft(calls)).toEqual({ email: 'ab@naver.com', phone: '', overseas: false, country: null, focus: 'email', caret: 5 });
  });

  it('is not written per keystroke, but at least once a second while typing goes on', async () => {
    const { form, calls } = await loaded();
    // Eleven digits at a steady 200 ms: a keystroke never waits for the draft.
    await typePhone(form, '01012345678', 200);
    await vi.advanceTimersByTimeAsync(DRAFT_IDLE);
    expect(count(calls, 'check_phone_input')).toBe(11);
    const writes = count(calls, 'save_draft');
    expect(writes).toBeGreaterThanOrEqual(Math.floor((11 * 200) / DRAFT_MAX_WAIT));
    expect(writes).toBeLessThanOrEqual(Math.ceil((11 * 200) / DRAFT_MAX_WAIT) + 1);
    expect(lastDraft(calls)?.phone).toBe('010-1234-5678');
  });

  it('is written at once when a field loses the focus, and when the page goes', async () => {
    const { form, calls } = await loaded();
    form.emailInput('ab@naver.com');
    form.blurred();
    await settle();
    expect(count(calls, 'save_draft')).toBe(1);
    await vi.advanceTimersByTimeAsync(DRAFT_MAX_WAIT);
    expect(count(calls, 'save_draft')).toBe(1);
    form.emailInput('ab@naver.co');
    form.dispose();
    await settle();
    expect(count(calls, 'save_draft')).toBe(2);
    expect(lastDraft(calls)?.email).toBe('ab@naver.co');
  });

  it('is restored exactly, and judged again', async () => {
    const draft: Draft = { email: 'ab@naver.com', phone: '010-1234-5678', overseas: false, country: null, focus: 'phone', caret: 4 };
    const { form, draft: restored, calls } = await loaded({ draft });
    expect(restored).toEqual(draft);
    expect(form).toMatchObject({ email: 'ab@naver.com', phone: '010-1234-5678', focus: 'phone', ready: true, notPrefilled: false });
    expect(count(calls, 'validate_email')).toBe(1);
    expect(count(calls, 'validate_phone')).toBe(1);
    expect(form.canSave).toBe(true);
  });

  it('says when registered info could not be filled in', async () => {
    const { form } = await loaded({ overview: STATES.registered() });
    expect(form.notPrefilled).toBe(true);
  });
});

describe('saving', () => {
  async function typed(scenario: Partial<Scenario> = {}) {
    const ready = await loaded(scenario);
    ready.form.emailInput('abcd@naver.com');
    await ready.form.phoneInput('01012345678', 11);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    return ready;
  }

  it('is blocked until something valid is there', async () => {
    const { form, calls } = await loaded();
    expect(await form.submit()).toEqual({ kind: 'blocked' });
    expect(count(calls, 'submit_identity')).toBe(0);
  });

  it('sends what is typed, takes the new overview, and writes no draft after it', async () => {
    const { form, calls } = await typed();
    const writes = count(calls, 'save_draft');
    expect(await form.submit()).toEqual({ kind: 'saved' });
    expect(calls.find((c) => c.cmd === 'submit_identity')?.args.draft).toMatchObject({
      email: 'abcd@naver.com',
      phone: '010-1234-5678',
      overseas: false,
    });
    expect(app.overview?.info?.email).toBe('ab***@naver.com');
    await vi.advanceTimersByTimeAsync(DRAFT_MAX_WAIT);
    form.dispose();
    await settle();
    expect(count(calls, 'save_draft')).toBe(writes);
  });

  it('keeps everything and says why when the save fails', async () => {
    const { form } = await typed({ errors: { submit_identity: { code: 'server_unavailable', params: {} } } });
    expect(await form.submit()).toEqual({ kind: 'failed' });
    expect(form.error).toEqual({ code: 'server_unavailable', params: {} });
    expect(form.email).toBe('abcd@naver.com');
    expect(form.saving).toBe(false);
  });

  it("puts core's field errors on their fields and names the first to fix", async () => {
    const { form } = await typed({ fieldErrors: [{ field: 'phone', code: 'not_mobile', params: { kind: 'voip' } }] });
    expect(await form.submit()).toEqual({ kind: 'field_errors', focus: 'phone' });
    expect(form.phoneMessage).toEqual({ kind: 'error', text: expect.stringMatching(/번호 종류: 인터넷 전화/) });
    expect(form.emailMessage?.kind).toBe('ok');
    // Editing the field clears its refusal.
    await form.phoneInput('010-1234-56789', 14);
    expect(form.serverErrors.phone).toBeNull();
  });

  it('focuses the e-mail first when both fields are refused', async () => {
    const { form } = await typed({
      fieldErrors: [
        { field: 'phone', code: 'too_short', params: {} },
        { field: 'email', code: 'same_as_account', params: {} },
      ],
    });
    expect(await form.submit()).toEqual({ kind: 'field_errors', focus: 'email' });
    expect(form.emailMessage).toEqual({ kind: 'error', text: expect.stringMatching(/로그인한 메일 계정/) });
    expect(form.phoneMessage).toEqual({ kind: 'error', text: expect.stringMatching(/자릿수가 모자랍니다/) });
  });
});

describe('overseas', () => {
  it('switches the rules, the placeholder and the draft, and judges the number again', async () => {
    const { form, calls } = await loaded();
    expect(form.example).toBe('010-2000-0000');
    await form.phoneInput('09012345678', 11);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    form.setOverseas(true);
    await settle();
    expect(form.example).toBeNull();
    expect(lastDraft(calls)).toMatchObject({ overseas: true, country: null });
    // A verdict for the old rules is not shown for the new ones.
    expect(form.phoneMessage).toBeNull();

    form.chooseCountry('JP');
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.example).toBe('090-1234-5678');
    expect(lastDraft(calls)).toMatchObject({ overseas: true, country: 'JP' });
    const judged = calls.filter((c) => c.cmd === 'validate_phone').at(-1);
    expect(judged?.args).toEqual({ input: form.phone, mode: { mode: 'overseas', country: 'JP' } });
    expect(form.phoneMessage?.kind).toBe('ok');

    form.setOverseas(false);
    await vi.advanceTimersByTimeAsync(VERDICT_DELAY);
    expect(form.country).toBeNull();
    expect(form.example).toBe('010-2000-0000');
    expect(calls.filter((c) => c.cmd === 'validate_phone').at(-1)?.args.mode).toEqual({ mode: 'domestic' });
  });

  it('sends keystrokes with the chosen country', async () => {
    const { form, calls } = await loaded();
    form.setOverseas(true);
    form.chooseCountry('JP');
    await form.phoneInput('09012345678', 11);
    expect(calls.at(-1)).toMatchObject({ cmd: 'check_phone_input', args: { mode: { mode: 'overseas', country: 'JP' } } });
  });
});
