import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations } from '../testing/harness';
import { STATES } from '../testing/backend';
import type { Draft } from '../lib/types';

afterEach(resetApp);

/** Types into a field as the browser does: the value, the caret, then an input event. */
async function type(label: string, value: string, caret = value.length) {
  const input = (await screen.findByLabelText(label)) as HTMLInputElement;
  input.focus();
  input.value = value;
  input.setSelectionRange(caret, caret);
  await fireEvent.input(input);
  return input;
}

const saveButton = () => screen.getByRole('button', { name: '저장' });

describe('Identity form', () => {
  it('is the screen after 동의 with nothing registered; 저장 waits for something valid', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    expect(screen.getByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toHaveFocus();
    expect(await screen.findByRole('switch', { name: '해외 사용자인가요?' })).not.toBeChecked();
    expect(screen.getByLabelText('메일 주소')).toHaveAttribute('placeholder', '메일 주소 입력');
    expect(screen.getByLabelText('휴대폰 번호')).toHaveAttribute('placeholder', '휴대폰 번호 입력');
    expect(saveButton()).toBeDisabled();
    expect(screen.getByText(/하나 이상을 입력해 주세요/)).toBeInTheDocument();
    await expectNoViolations();
  });

  it('formats the phone as typed and puts the caret where core says', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    const input = await type('휴대폰 번호', '01012345678');
    await waitFor(() => expect(input.value).toBe('010-1234-5678'));
    expect(input.selectionStart).toBe(13);
    // An edit in the middle keeps the caret after the digit typed, not at the end.
    const middle = await type('휴대폰 번호', '010-12394-5678', 8);
    await waitFor(() => expect(middle.value).toBe('010-1239-45678'));
    expect(middle.selectionStart).toBe(8);
  });

  it('waits for a Hangul composition to end before reformatting, judging or searching', async () => {
    const { calls } = await renderApp({ overview: STATES.agreedEmpty() });
    const count = (cmd: string) => calls.filter((c) => c.cmd === cmd).length;
    // The phone field: nothing is reformatted while the IME composes.
    const phone = (await screen.findByLabelText('휴대폰 번호')) as HTMLInputElement;
    const phoneCalls = count('check_phone_input');
    await fireEvent.input(phone, { target: { value: '01012345678' }, isComposing: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count('check_phone_input')).toBe(phoneCalls);
    expect(phone.value).toBe('01012345678');
    await fireEvent.compositionEnd(phone);
    await waitFor(() => expect(phone.value).toBe('010-1234-5678'));
    // The e-mail field: judged once the composition ends.
    const email = screen.getByLabelText('메일 주소') as HTMLInputElement;
    const emailCalls = count('validate_email');
    await fireEvent.input(email, { target: { value: 'hong@ㅜㅁ' }, isComposing: true });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(count('validate_email')).toBe(emailCalls);
    await fireEvent.compositionEnd(email, { target: { value: 'hong@naver.com' } });
    await waitFor(() => expect(count('validate_email')).toBeGreaterThan(emailCalls));
    // The country search.
    await fireEvent.click(screen.getByRole('switch', { name: '해외 사용자인가요?' }));
    const combo = await screen.findByRole('combobox', { name: '국가' });
    await waitFor(() => expect(count('search_countries')).toBeGreaterThan(0));
    const searches = count('search_countries');
    combo.focus();
    await fireEvent.input(combo, { target: { value: '베' }, isComposing: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(count('search_countries')).toBe(searches);
    await fireEvent.compositionEnd(combo);
    await waitFor(() => expect(count('search_countries')).toBeGreaterThan(searches));
  }, 15_000);

  it('accepts a pasted number with spaces and full-width digits', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    const input = await type('휴대폰 번호', '０１０ １２３４ ５６７８');
    await waitFor(() => expect(input.value).toBe('010-1234-5678'));
    // The ✓ says the format is right, not that the number can be used: only a code proves that.
    await waitFor(() => expect(input).toHaveAccessibleDescription(/휴대폰 번호 형식이 맞습니다\./));
    expect(input).not.toHaveAccessibleDescription(/사용할 수 있는/);
    expect(saveButton()).toBeEnabled();
  });

  it('names the reason next to the field, linked and announced politely', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    const input = await type('휴대폰 번호', '02-123-4567');
    const message = await screen.findByText(/휴대폰 번호가 아닙니다. 번호 종류: 유선 전화/);
    const region = message.closest('[aria-live]')!;
    expect(region).toHaveAttribute('aria-live', 'polite');
    expect(input.getAttribute('aria-describedby')).toContain(region.id);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(saveButton()).toBeDisabled();
    await expectNoViolations();
  });

  it.each([
    ['0101234', '번호의 자릿수가 모자랍니다.'],
    ['010-1234-56789', '번호의 자릿수가 너무 많습니다.'],
    ['공일공', '전화번호 형식이 아닙니다.'],
    ['+81 90-1234-5678', '해외 번호입니다. 국가: 일본.'],
    ['070-1234-5678', '번호 종류: 인터넷 전화'],
  ])('phone %s → %s', async (value, text) => {
    await renderApp({ overview: STATES.agreedEmpty() });
    await type('휴대폰 번호', value);
    expect(await screen.findByText(new RegExp(text.replace(/[.+]/g, '\\$&')))).toBeInTheDocument();
  });

  it.each([
    ['hong', '메일 주소에 @가 없습니다.', true],
    ['hong@company.co.kr', '지금 로그인한 메일 계정과 같은 주소는', true],
    ['me@naver.con', '혹시 도메인이 naver.com 아닌가요?', false],
    ['other@company.co.kr', '회사 메일과 같은 도메인의 주소입니다.', false],
  ])('e-mail %s → %s (blocks: %s)', async (value, text, blocks) => {
    const { calls } = await renderApp({ overview: STATES.agreedEmpty() });
    await type('메일 주소', value);
    expect(await screen.findByText(new RegExp(text.replace(/[.?]/g, '\\$&')))).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === 'validate_email').at(-1)?.args.account).toBe('hong@company.co.kr');
    if (blocks) expect(saveButton()).toBeDisabled();
    else expect(saveButton()).toBeEnabled();
  });

  it('applies a suggested address with one click', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    const input = await type('메일 주소', 'hong@ㅜㅁㅍㄷㄱ.채ㅡ');
    expect(await screen.findByText(/혹시 hong@naver\.com 주소를 입력하려고 하셨나요\?/)).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: 'hong@naver.com 주소로 바꾸기' }));
    expect(input.value).toBe('hong@naver.com');
    expect(await screen.findByText('메일 주소 형식이 맞습니다.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /주소로 바꾸기/ })).not.toBeInTheDocument();
    expect(saveButton()).toBeEnabled();
  });

  it('debounces the verdict: one check for a burst of keystrokes', async () => {
    const { calls } = await renderApp({ overview: STATES.agreedEmpty() });
    const input = (await screen.findByLabelText('메일 주소')) as HTMLInputElement;
    for (const value of ['a', 'ab', 'ab@', 'ab@n', 'ab@naver.com']) {
      input.value = value;
      void fireEvent.input(input);
    }
    await screen.findByText('메일 주소 형식이 맞습니다.');
    expect(calls.filter((c) => c.cmd === 'validate_email').map((c) => c.args.input)).toEqual(['ab@naver.com']);
  });

  it('keeps the draft while typing (once typing pauses) and on blur, with focus and caret', async () => {
    const { calls } = await renderApp({ overview: STATES.agreedEmpty() });
    const input = await type('메일 주소', 'ab@naver.com', 5);
    await waitFor(() => expect(calls.some((c) => c.cmd === 'save_draft')).toBe(true));
    const saved = calls.filter((c) => c.cmd === 'save_draft').at(-1)!.args.draft as Draft;
    expect(saved).toMatchObject({ email: 'ab@naver.com', focus: 'email', caret: 5, overseas: false });
    await fireEvent.blur(input);
    expect(calls.filter((c) => c.cmd === 'save_draft').length).toBeGreaterThanOrEqual(2);
  });

  it('restores the draft exactly, caret included', async () => {
    const draft: Draft = { email: 'ab@naver.com', phone: '010-1234-5678', overseas: false, country: null, focus: 'phone', caret: 4 };
    await renderApp({ overview: STATES.agreedEmpty(), draft });
    const phone = (await screen.findByLabelText('휴대폰 번호')) as HTMLInputElement;
    await waitFor(() => expect(phone).toHaveFocus());
    expect(phone.value).toBe('010-1234-5678');
    expect(phone.selectionStart).toBe(4);
    expect(screen.getByLabelText('메일 주소')).toHaveValue('ab@naver.com');
    await waitFor(() => expect(saveButton()).toBeEnabled());
  });

  it('saves and shows the result, masked, with its sync state', async () => {
    const { calls } = await renderApp({ overview: STATES.agreedEmpty() });
    await type('메일 주소', 'abcd@naver.com');
    await type('휴대폰 번호', '01012345678');
    await waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    expect(await screen.findByRole('heading', { level: 1, name: '이 컴퓨터에 저장했습니다' })).toHaveFocus();
    expect(screen.getByText('ab***@naver.com')).toBeInTheDocument();
    expect(screen.getByText(/010-\*\*\*\*-5678/)).toBeInTheDocument();
    expect(screen.getAllByText('서버 저장 대기 중').length).toBeGreaterThan(0);
    expect(calls.find((c) => c.cmd === 'submit_identity')?.args.draft).toMatchObject({
      email: 'abcd@naver.com',
      phone: '010-1234-5678',
      overseas: false,
    });
    await expectNoViolations();
  });

  it("shows core's field errors on the fields and keeps what was typed", async () => {
    await renderApp({
      overview: STATES.agreedEmpty(),
      fieldErrors: [{ field: 'phone', code: 'not_mobile', params: { kind: 'voip' } }],
    });
    await type('휴대폰 번호', '01012345678');
    await waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    expect(await screen.findByText(/번호 종류: 인터넷 전화/)).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('표시된 항목을 확인해 주세요.');
    expect(screen.getByLabelText('휴대폰 번호')).toHaveValue('010-1234-5678');
    expect(screen.getByLabelText('휴대폰 번호')).toHaveFocus();
    await expectNoViolations();
  });

  it('a failing save says why and loses nothing', async () => {
    await renderApp({ overview: STATES.agreedEmpty(), errors: { submit_identity: { code: 'server_unavailable', params: {} } } });
    await type('메일 주소', 'abcd@naver.com');
    await waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    expect(await screen.findByRole('alert')).toHaveTextContent('서버를 일시적으로 사용할 수 없습니다.');
    expect(screen.getByLabelText('메일 주소')).toHaveValue('abcd@naver.com');
  });

  it('overseas mode: a searchable, keyboard-operable country picker', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await renderApp({ overview: STATES.agreedEmpty() });
      await fireEvent.click(await screen.findByRole('switch', { name: '해외 사용자인가요?' }));
      const combo = await screen.findByRole('combobox', { name: '국가' });
      expect(combo).toHaveAttribute('aria-expanded', 'false');
      combo.focus();
      await fireEvent.input(combo, { target: { value: '81' } });
      await vi.advanceTimersByTimeAsync(200);
      await waitFor(() => expect(combo).toHaveAttribute('aria-expanded', 'true'));
      const option = screen.getByRole('option', { name: /일본/ });
      expect(option).toHaveAttribute('aria-selected', 'true');
      expect(combo).toHaveAttribute('aria-activedescendant', option.id);
      await expectNoViolations();
      await fireEvent.keyDown(combo, { key: 'Enter' });
      expect(combo).toHaveValue('+81 일본');
      expect(combo).toHaveAttribute('aria-expanded', 'false');
      const phone = screen.getByLabelText('휴대폰 번호');
      await waitFor(() => expect(phone).toHaveAttribute('placeholder', '090-1234-5678'));
      // By English name too, and arrows move through the options.
      combo.focus();
      await fireEvent.input(combo, { target: { value: 'united' } });
      await vi.advanceTimersByTimeAsync(200);
      await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
      await fireEvent.keyDown(combo, { key: 'ArrowDown' });
      expect(screen.getByRole('option', { name: /영국/ })).toHaveAttribute('aria-selected', 'true');
      await fireEvent.keyDown(combo, { key: 'Escape' });
      expect(combo).toHaveAttribute('aria-expanded', 'false');
    } finally {
      vi.useRealTimers();
    }
  });

  it('the overseas switch starts from the country IT preset', async () => {
    await renderApp({ overview: STATES.agreedEmpty(), info: { default_overseas_country: 'JP', managed: ['default_overseas_country'] } });
    await fireEvent.click(await screen.findByRole('switch', { name: '해외 사용자인가요?' }));
    const combo = await screen.findByRole('combobox', { name: '국가' });
    await waitFor(() => expect(combo).toHaveValue('+81 일본'));
    expect(combo).toHaveAccessibleDescription(/관리자가 설정함/);
    // The phone field follows the preset country at once.
    await waitFor(() => expect(screen.getByLabelText('휴대폰 번호')).toHaveAttribute('placeholder', '090-1234-5678'));
  });

  it('the ⓘ button discloses the overseas explanation', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    const info = await screen.findByRole('button', { name: '해외 사용자 안내' });
    expect(info).toHaveAttribute('aria-expanded', 'false');
    await fireEvent.click(info);
    expect(info).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(/해외 휴대폰 번호를 등록하려면 켜 주세요/)).toBeVisible();
  });
});
