import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations } from '../testing/harness';
import { STATES } from '../testing/backend';

afterEach(resetApp);

async function fill(address: string, password: string) {
  await fireEvent.input(screen.getByLabelText('웹메일 아이디(메일 주소)'), { target: { value: address } });
  await fireEvent.input(screen.getByLabelText('비밀번호'), { target: { value: password } });
  await fireEvent.click(screen.getByRole('button', { name: '로그인' }));
}

describe('Sign-in', () => {
  it('is the first screen when nobody is signed in, with the heading focused', async () => {
    await renderApp({ overview: STATES.signedOut() });
    const heading = screen.getByRole('heading', { level: 1, name: '로그인' });
    expect(heading).toHaveFocus();
    expect(screen.getByLabelText('웹메일 아이디(메일 주소)')).toBeInTheDocument();
    expect(screen.getByLabelText('비밀번호')).toHaveAttribute('type', 'password');
    await expectNoViolations();
  });

  it('signs in and moves on to the screen the overview asks for', async () => {
    const { calls } = await renderApp({ overview: STATES.signedOut(), afterSignIn: STATES.firstLogin() });
    await fill('hong@company.co.kr', 'secret');
    expect(await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보 수집 및 이용 동의' })).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'sign_in')?.args).toEqual({ address: 'hong@company.co.kr', password: 'secret' });
  });

  it('asks for both fields before calling anything', async () => {
    const { calls } = await renderApp({ overview: STATES.signedOut() });
    await fireEvent.click(screen.getByRole('button', { name: '로그인' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('웹메일 아이디와 비밀번호를 모두 입력해 주세요.');
    expect(calls.some((c) => c.cmd === 'sign_in')).toBe(false);
  });

  it.each([
    ['invalid_credentials', {}, '웹메일 아이디(메일 주소) 또는 비밀번호가 올바르지 않습니다.'],
    ['too_many_attempts', { seconds: '30' }, '30초 후에 다시 시도해 주세요.'],
    ['offline', {}, '서버에 연결할 수 없습니다.'],
    ['server_unavailable', {}, '서버를 일시적으로 사용할 수 없습니다.'],
    ['server_error', {}, '서버에서 오류가 발생했습니다.'],
    ['server_url_invalid', {}, '서버 주소 설정이 올바르지 않습니다.'],
    ['connection_setup', {}, '서버와의 보안 연결을 준비하지 못했습니다.'],
    ['something_new', {}, '알 수 없는 오류가 발생했습니다.'],
  ])('shows %s in words and keeps what was typed', async (code, params, text) => {
    await renderApp({ overview: STATES.signedOut(), errors: { sign_in: { code, params } } });
    await fill('hong@company.co.kr', 'secret');
    expect(await screen.findByRole('alert')).toHaveTextContent(text);
    expect(screen.getByLabelText('웹메일 아이디(메일 주소)')).toHaveValue('hong@company.co.kr');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('로그인');
    await expectNoViolations();
  });

  it('re-sign-in keeps the account and says that nothing is lost', async () => {
    const { calls } = await renderApp({ overview: STATES.signInRequired() });
    expect(screen.getByRole('heading', { level: 1, name: '다시 로그인해 주세요' })).toHaveFocus();
    expect(screen.getByText(/서버에 아직 저장되지 않은 변경은 그대로 보관되며/)).toBeInTheDocument();
    expect(screen.getByLabelText('웹메일 아이디(메일 주소)')).toHaveValue('hong@company.co.kr');
    expect(screen.getByLabelText('웹메일 아이디(메일 주소)')).toHaveAttribute('readonly');
    await expectNoViolations();
    await fireEvent.input(screen.getByLabelText('비밀번호'), { target: { value: 'secret' } });
    await fireEvent.click(screen.getByRole('button', { name: '로그인' }));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('본인 인증 정보'));
    expect(calls.some((c) => c.cmd === 'sign_out' || c.cmd === 'discard_draft')).toBe(false);
  });
});
