import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { expectNoViolations, renderApp, resetApp } from '../testing/harness';
import { GOOD_CODE, STATES } from '../testing/backend';
import { setLocale } from '../lib/i18n.svelte';

afterEach(resetApp);

const codeField = () => screen.getByLabelText('인증번호 6자리') as HTMLInputElement;

async function typeCode(code: string) {
  const input = codeField();
  input.value = code;
  await fireEvent.input(input);
}

describe('the code screen', () => {
  it('comes first while codes are asked for: where the code went, one labelled field, the time left', async () => {
    await renderApp({ overview: STATES.verifySent() });
    expect(screen.getByRole('heading', { level: 1, name: '인증번호 확인' })).toHaveFocus();
    expect(screen.getByRole('heading', { level: 2, name: '메일 주소 확인' })).toBeInTheDocument();
    expect(screen.getByText('1/2단계')).toBeInTheDocument();
    expect(screen.getByText('인증번호를 보냈습니다: ab***@naver.com')).toBeInTheDocument();
    const input = codeField();
    expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    expect(input).toHaveAttribute('inputmode', 'numeric');
    expect(input).toHaveAttribute('maxlength', '6');
    expect(input).toHaveAttribute('pattern', '[0-9]{6}');
    expect(input).toHaveAccessibleDescription(/ab\*\*\*@naver\.com.*남은 시간 [23]:\d\d.*남은 입력 횟수 5회/);
    expect(screen.getByRole('button', { name: /다시 받기\(\d+초 후\)/ })).toBeDisabled();
    expect(screen.getByRole('button', { name: '주소 다시 입력' })).toBeInTheDocument();
    await expectNoViolations();
  });

  it('keeps digits only as typed or pasted', async () => {
    await renderApp({ overview: STATES.verifySent() });
    await typeCode('１２３ 4５6');
    expect(codeField().value).toBe('123456');
  });

  it('a wrong code is refused with the tries left, linked to the field', async () => {
    await renderApp({ overview: STATES.verifySent() });
    await typeCode('000000');
    await fireEvent.click(screen.getByRole('button', { name: '확인' }));
    const message = '인증번호가 맞지 않습니다. 다시 확인해 주세요. 4번 더 입력할 수 있습니다.';
    expect(await screen.findByText(message)).toBeInTheDocument();
    const input = codeField();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(new RegExp(message.replace('.', '\\.')));
    await waitFor(() => expect(input).toHaveAccessibleDescription(/남은 입력 횟수 4회/));
    await waitFor(() => expect(input).toHaveFocus());
    await expectNoViolations();
  });

  it('an expired code says so, 확인 is off and 다시 받기 is on', async () => {
    await renderApp({ overview: STATES.verifyExpired() });
    expect(screen.getByRole('alert')).toHaveTextContent('인증번호 입력 시간(3분)이 지났습니다. 다시 받기를 눌러 새 인증번호를 받아 주세요.');
    expect(screen.getByRole('button', { name: '확인' })).toBeDisabled();
    expect(screen.getByRole('button', { name: '다시 받기' })).toBeEnabled();
    await expectNoViolations();
  });

  it('a used-up code sends the user to 다시 받기, which sends a new one', async () => {
    const { calls } = await renderApp({ overview: STATES.verifyExhausted() });
    expect(screen.getByRole('alert')).toHaveTextContent('5번 잘못 입력했습니다');
    await fireEvent.click(screen.getByRole('button', { name: '다시 받기' }));
    expect(await screen.findByText(/새 인증번호를 보냈습니다/)).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === 'resend_code').map((c) => c.args.channel)).toEqual(['email']);
    await waitFor(() => expect(screen.getByRole('button', { name: '확인' })).toBeEnabled());
    await waitFor(() => expect(codeField()).toHaveFocus());
    await expectNoViolations();
  });

  it('offline: says the code goes out once connected; nothing to type', async () => {
    await renderApp({ overview: STATES.verifyOffline() });
    expect(screen.getByText(/연결되면 인증번호를 보냅니다/)).toBeInTheDocument();
    expect(screen.queryByLabelText('인증번호 6자리')).toBeNull();
    expect(screen.queryByRole('button', { name: /다시 받기/ })).toBeNull();
    await expectNoViolations();
  });

  it('a send cap says why and when a new code can be asked for', async () => {
    await renderApp({ overview: STATES.verifyCapped() });
    expect(screen.getByRole('heading', { level: 2, name: '휴대폰 번호 확인' })).toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('인증번호를 보내지 못했습니다.');
    expect(alert).toHaveTextContent('인증번호를 보낼 수 있는 횟수를 넘었습니다.');
    expect(alert).toHaveTextContent(/이후에 다시 받을 수 있습니다/);
    expect(screen.getByRole('button', { name: '다시 받기' })).toBeDisabled();
    expect(screen.getByRole('button', { name: '번호 다시 입력' })).toBeInTheDocument();
    await expectNoViolations();
  });

  it('no sender configured: points to the administrator, offers no 다시 받기', async () => {
    await renderApp({ overview: STATES.verifyNoSender() });
    expect(screen.getByRole('alert')).toHaveTextContent('사내 IT 담당자에게 문의해 주세요');
    expect(screen.queryByRole('button', { name: /다시 받기/ })).toBeNull();
    await expectNoViolations();
  });

  it('resend_too_soon from core is shown as it comes', async () => {
    await renderApp({ overview: STATES.verifyExpired(), errors: { resend_code: { code: 'resend_too_soon', params: { seconds: '12' } } } });
    await fireEvent.click(screen.getByRole('button', { name: '다시 받기' }));
    expect(await screen.findByText('조금 전에 인증번호를 보냈습니다. 받은 인증번호를 입력하거나 12초 후에 다시 받아 주세요.')).toBeInTheDocument();
  });
});

describe('from 저장 to the result', () => {
  async function saveNewInfo() {
    const scenario = await renderApp({ overview: STATES.agreedEmpty(), codesOnSubmit: true });
    const email = (await screen.findByLabelText('메일 주소')) as HTMLInputElement;
    expect(screen.getByText('저장하면 새 번호와 주소로 인증번호를 보냅니다.')).toBeInTheDocument();
    email.value = 'abcd@naver.com';
    await fireEvent.input(email);
    const phone = screen.getByLabelText('휴대폰 번호') as HTMLInputElement;
    phone.value = '01012345678';
    await fireEvent.input(phone);
    const save = screen.getByRole('button', { name: '저장' });
    await waitFor(() => expect(save).toBeEnabled());
    await fireEvent.click(save);
    await screen.findByRole('heading', { level: 1, name: '인증번호 확인' });
    return scenario;
  }

  it('both codes confirmed: the result says the info is verified', async () => {
    const { calls } = await saveNewInfo();
    await typeCode(GOOD_CODE);
    await fireEvent.click(screen.getByRole('button', { name: '확인' }));
    await screen.findByRole('heading', { level: 2, name: '휴대폰 번호 확인' });
    expect(screen.getByText('인증번호를 보냈습니다: 010-****-5678')).toBeInTheDocument();
    await waitFor(() => expect(codeField()).toHaveFocus());
    await typeCode(GOOD_CODE);
    await fireEvent.click(screen.getByRole('button', { name: '확인' }));
    expect(await screen.findByRole('heading', { level: 1, name: '인증을 마쳤습니다' })).toBeInTheDocument();
    expect(screen.getByText('ab***@naver.com')).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === 'confirm_code')).toHaveLength(2);
    await expectNoViolations();
  });

  it('주소 다시 입력 goes back to the form with what was typed', async () => {
    const { calls } = await saveNewInfo();
    await fireEvent.click(screen.getByRole('button', { name: '주소 다시 입력' }));
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    await waitFor(() => expect((screen.getByLabelText('메일 주소') as HTMLInputElement).value).toBe('abcd@naver.com'));
    expect((screen.getByLabelText('휴대폰 번호') as HTMLInputElement).value).toBe('010-1234-5678');
    expect(calls.some((c) => c.cmd === 'cancel_verification')).toBe(true);
  });
});

describe('the code screen in English', () => {
  it('speaks English throughout', async () => {
    await renderApp({ overview: STATES.verifyPhone(), info: { locale: 'en' } });
    setLocale('en');
    await screen.findByRole('heading', { level: 1, name: 'Enter the verification code' });
    expect(screen.getByText('Step 2 of 2')).toBeInTheDocument();
    expect(screen.getByText('We sent a code to 010-****-5678.')).toBeInTheDocument();
    const card = screen.getByRole('heading', { level: 2, name: 'Verify your mobile number' }).closest('section')!;
    expect(within(card).getByRole('button', { name: 'Resend' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Change the number' })).toBeInTheDocument();
    await expectNoViolations();
  });
});
