import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { expectNoViolations, pushOverview, renderApp, resetApp } from '../testing/harness';
import { STATES } from '../testing/backend';
import { setLocale } from '../lib/i18n.svelte';

afterEach(resetApp);

const PASSWORD = 'correct horse';

async function dialog() {
  return screen.findByRole('dialog', { name: '비밀번호를 한 번 더 입력해 주세요' });
}

async function enterPassword(value: string) {
  const field = screen.getByLabelText('비밀번호') as HTMLInputElement;
  field.value = value;
  await fireEvent.input(field);
  await fireEvent.click(within(await dialog()).getByRole('button', { name: '확인' }));
  return field;
}

describe('the password asked again (step-up)', () => {
  it('says why, shows the account read-only, and focuses the password', async () => {
    await renderApp({ overview: STATES.passwordRequired() });
    const box = await dialog();
    expect(box).toHaveTextContent('본인 인증 정보를 바꾸거나 삭제하려면 비밀번호를 한 번 더 입력해 주세요');
    expect(box).toHaveTextContent('5분');
    const account = within(box).getByLabelText('계정') as HTMLInputElement;
    expect(account.value).toBe('hong@company.co.kr');
    expect(account).toHaveAttribute('readonly');
    expect(account).toHaveAttribute('autocomplete', 'username');
    const password = within(box).getByLabelText('비밀번호');
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveAttribute('autocomplete', 'current-password');
    await waitFor(() => expect(password).toHaveFocus());
    expect(screen.getAllByText('비밀번호 확인 필요').length).toBeGreaterThan(0);
    await expectNoViolations();
  });

  it('a right password sends the waiting write; the dialog closes and the field is emptied', async () => {
    const { calls } = await renderApp({ overview: STATES.passwordRequired(), password: PASSWORD });
    await dialog();
    const field = await enterPassword(PASSWORD);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(field.value).toBe('');
    expect(calls.filter((c) => c.cmd === 'step_up').map((c) => c.args)).toEqual([{ password: PASSWORD }]);
    expect(screen.getAllByText('서버에 저장됨').length).toBeGreaterThan(0);
  });

  it('a wrong password is refused next to the field, which is emptied and focused', async () => {
    await renderApp({ overview: STATES.passwordRequired(), password: PASSWORD });
    await dialog();
    const field = await enterPassword('wrong');
    // The account is fixed in this dialog: the refusal names the password alone.
    expect(await screen.findByText('비밀번호가 올바르지 않습니다. 다시 확인해 주세요.')).toBeInTheDocument();
    expect(field.value).toBe('');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/비밀번호가 올바르지 않습니다/);
    await waitFor(() => expect(field).toHaveFocus());
    await expectNoViolations();
  });

  it.each([
    [{ code: 'too_many_attempts', params: { seconds: '30' } }, '30초 후에 다시 시도해 주세요'],
    [{ code: 'offline', params: {} }, '서버에 연결할 수 없습니다'],
  ])('shows %o', async (error, text) => {
    await renderApp({ overview: STATES.passwordRequired(), errors: { step_up: error } });
    await dialog();
    await enterPassword(PASSWORD);
    expect(await screen.findByText(new RegExp(text))).toBeInTheDocument();
  });

  it('an empty password is not sent', async () => {
    const { calls } = await renderApp({ overview: STATES.passwordRequired() });
    await dialog();
    await enterPassword('');
    expect(await screen.findByText('비밀번호를 입력해 주세요.')).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'step_up')).toBe(false);
  });

  it('나중에 (or Esc) closes it; a banner keeps saying a password is needed and reopens it', async () => {
    await renderApp({ overview: STATES.passwordRequired() });
    await fireEvent.click(within(await dialog()).getByRole('button', { name: '나중에' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByText('변경 내용을 서버에 저장하려면 비밀번호를 한 번 더 입력해 주세요.')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: '비밀번호 입력' }));
    const box = await dialog();
    await fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('button', { name: '비밀번호 입력' })).toBeInTheDocument();
    await expectNoViolations();
  });

  it('comes over the form without losing what is typed under it', async () => {
    await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('button', { name: '변경' }));
    const email = (await screen.findByLabelText('메일 주소')) as HTMLInputElement;
    email.value = 'new.address@gmail.com';
    await fireEvent.input(email);
    await pushOverview(STATES.passwordRequired());
    await dialog();
    expect(screen.getByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: '나중에' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByLabelText('메일 주소') as HTMLInputElement).value).toBe('new.address@gmail.com');
  });

  it('speaks English', async () => {
    await renderApp({ overview: STATES.passwordRequired(), info: { locale: 'en' } });
    setLocale('en');
    const box = await screen.findByRole('dialog', { name: 'Enter your password again' });
    expect(within(box).getByLabelText('Password')).toHaveAttribute('autocomplete', 'current-password');
    expect(within(box).getByRole('button', { name: 'Later' })).toBeInTheDocument();
    await expectNoViolations();
  });
});

describe('settings: verified or not, per channel', () => {
  it('shows 확인됨 with the date in Korean style', async () => {
    await renderApp({ overview: STATES.registered() });
    expect(screen.getAllByText(/확인됨 · 2025년 3월 2일/)).toHaveLength(2);
    expect(screen.queryByText('미확인')).toBeNull();
    expect(screen.queryByRole('button', { name: /확인하기/ })).toBeNull();
  });

  it('미확인 offers 확인하기, which sends a code to the registered value and opens the code screen', async () => {
    const { calls } = await renderApp({ overview: STATES.unverified() });
    expect(screen.getAllByText('미확인')).toHaveLength(2);
    expect(screen.getByText(/미확인 정보는 인증번호로 확인해야/)).toBeInTheDocument();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: '휴대폰 번호 확인하기' }));
    await screen.findByRole('heading', { level: 1, name: '인증번호 확인' });
    expect(calls.filter((c) => c.cmd === 'verify_registered').map((c) => c.args)).toEqual([{ channel: 'phone' }]);
    expect(screen.getByText('등록된 정보가 본인의 것인지 인증번호로 확인합니다.')).toBeInTheDocument();
    expect(screen.getByText('인증번호를 보냈습니다: 010-****-5678')).toBeInTheDocument();
    // 나중에 just ends it, back to settings.
    await fireEvent.click(screen.getByRole('button', { name: '나중에 하기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
  });

  it('English: Verified with the date, or Not verified with Verify', async () => {
    await renderApp({ overview: STATES.unverified(), info: { locale: 'en' } });
    setLocale('en');
    expect(await screen.findAllByText('Not verified')).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Verify e-mail address' })).toHaveTextContent('Verify');
  });
});

describe('the re-confirm card', () => {
  it('asks calmly whether the info is still right; 그대로 사용 keeps it', async () => {
    const { calls } = await renderApp({ overview: STATES.reconfirmDue() });
    const card = screen.getByRole('heading', { level: 2, name: '등록된 정보가 아직 맞나요?' }).closest('section')!;
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(card).toHaveTextContent('ab***@naver.com');
    expect(card).toHaveTextContent('010-****-5678');
    expect(card).not.toHaveTextContent('관리자가');
    await expectNoViolations();
    await fireEvent.click(within(card).getByRole('button', { name: '그대로 사용' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: '등록된 정보가 아직 맞나요?' })).toBeNull());
    expect(screen.getByText('등록된 정보를 그대로 사용합니다.')).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'keep_info')).toBe(true);
  });

  it('변경 opens the form', async () => {
    await renderApp({ overview: STATES.reconfirmDue() });
    const card = screen.getByRole('heading', { level: 2, name: '등록된 정보가 아직 맞나요?' }).closest('section')!;
    await fireEvent.click(within(card).getByRole('button', { name: '변경' }));
    expect(await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toBeInTheDocument();
  });

  it('says when the interval is the administrator’s', async () => {
    await renderApp({ overview: STATES.reconfirmLocked() });
    expect(screen.getByText('관리자가 180일마다 확인하도록 설정했습니다.')).toBeInTheDocument();
  });

  it('is not shown when not due', async () => {
    await renderApp({ overview: STATES.registered() });
    expect(screen.queryByText('등록된 정보가 아직 맞나요?')).toBeNull();
  });
});
