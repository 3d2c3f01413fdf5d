import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations, pushOverview } from '../testing/harness';
import { STATES } from '../testing/backend';

afterEach(resetApp);

describe('Refusal', () => {
  async function refuse(errors = {}) {
    const r = await renderApp({ overview: STATES.firstLogin(), errors });
    await fireEvent.click(await screen.findByRole('button', { name: '거부' }));
    await screen.findByRole('heading', { level: 1, name: '동의를 거부했습니다' });
    return r;
  }

  it('says what refusing costs and where to register later', async () => {
    await refuse();
    expect(screen.getByText('단, 비밀번호 찾기 등 본인 인증이 필요한 기능은 활용이 불가합니다.')).toBeInTheDocument();
    expect(screen.getByText('등록된 인증정보가 없으면 비밀번호 분실 시 내부 관리자를 통해서만 재설정이 가능합니다.')).toBeInTheDocument();
    expect(screen.getByText('거부 시에도 추가등록 할 수 있습니다.')).toBeInTheDocument();
    expect(screen.getByText('경로: 로그인 보안 설정 > 본인 인증 정보 이동')).toBeInTheDocument();
    expect(screen.getAllByText('서버 저장 대기 중').length).toBeGreaterThan(0);
    await expectNoViolations();
  });

  it('웹메일 열기 opens the webmail', async () => {
    const { calls } = await refuse();
    await fireEvent.click(screen.getByRole('button', { name: '웹메일 열기' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'open_webmail')).toBe(true));
  });

  it('says when no webmail is configured', async () => {
    await refuse({ open_webmail: { code: 'webmail_url_missing', params: {} } });
    await fireEvent.click(screen.getByRole('button', { name: '웹메일 열기' }));
    // The webmail's site address, named apart from the webmail ID the user signs in with.
    expect(await screen.findByRole('alert')).toHaveTextContent('웹메일 사이트 주소가 설정되어 있지 않습니다. 사내 IT 담당자에게 문의해 주세요.');
    await expectNoViolations();
  });

  it('offers no webmail button where IT configured no webmail', async () => {
    await renderApp({ overview: STATES.firstLogin(), info: { webmail_url: null } });
    await fireEvent.click(await screen.findByRole('button', { name: '거부' }));
    await screen.findByRole('heading', { level: 1, name: '동의를 거부했습니다' });
    expect(screen.queryByRole('button', { name: '웹메일 열기' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: '로그인 보안 설정 보기' })).toHaveClass('primary');
  });

  it('leads on to the settings', async () => {
    await refuse();
    await fireEvent.click(screen.getByRole('button', { name: '로그인 보안 설정 보기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
  });
});

describe('Help (문의)', () => {
  it("shows the notice's contact block by default", async () => {
    await renderApp({ overview: STATES.signedOut() });
    await fireEvent.click(screen.getByRole('button', { name: '문의' }));
    expect(await screen.findByRole('heading', { level: 1, name: '문의' })).toHaveFocus();
    expect(screen.getByText('메일플러그 고객센터')).toBeInTheDocument();
    expect(screen.getByText('1668-2590')).toBeInTheDocument();
    expect(screen.getByText('1:1 문의하기')).toBeInTheDocument();
    expect(screen.getByText('평일 09:00 ~ 18:00')).toBeInTheDocument();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: '돌아가기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '로그인' })).toBeInTheDocument();
  });

  it("shows the company's helpdesk when policy sets one", async () => {
    const { calls } = await renderApp({
      overview: STATES.registered(),
      info: { helpdesk: { phone: '02-123-4567', url: 'https://help.company.co.kr', hours: '평일 08:30 ~ 17:30' } },
    });
    await fireEvent.click(screen.getByRole('button', { name: '문의' }));
    await screen.findByRole('heading', { level: 1, name: '문의' });
    expect(screen.getByText('02-123-4567')).toBeInTheDocument();
    // The page opens in the default browser through Rust, never inside the window.
    await fireEvent.click(screen.getByRole('button', { name: '1:1 문의하기' }));
    expect(calls.some((c) => c.cmd === 'open_helpdesk')).toBe(true);
    expect(screen.getByText('평일 08:30 ~ 17:30')).toBeInTheDocument();
    expect(screen.queryByText('메일플러그 고객센터')).toBeNull();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: '돌아가기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
  });
});

describe('Sync status, offline and conflicts', () => {
  it.each([
    ['registered', '서버에 저장됨', null],
    ['agreedEmpty', '이 컴퓨터에만 저장됨', null],
    ['pendingOffline', '서버 저장 대기 중', '서버에 연결할 수 없습니다.'],
    ['syncError', '서버에 저장하지 못함', '서버가 입력한 내용을 받아들이지 않았습니다.'],
  ] as const)('the chip for %s says %s with its reason', async (state, label, reason) => {
    await renderApp({ overview: STATES[state]() });
    const chips = screen.getAllByRole('status').filter((s) => s.textContent?.includes(label));
    expect(chips.length).toBeGreaterThan(0);
    if (reason) expect(chips[0]).toHaveTextContent(reason);
    await expectNoViolations();
  });

  it('shows the offline banner while the server cannot be reached, driven by the event', async () => {
    await renderApp({ overview: STATES.registered() });
    expect(screen.queryByText(/오프라인 상태입니다/)).toBeNull();
    await pushOverview(STATES.pendingOffline());
    expect(await screen.findByText(/오프라인 상태입니다/)).toBeInTheDocument();
    await pushOverview(STATES.registered());
    await waitFor(() => expect(screen.queryByText(/오프라인 상태입니다/)).toBeNull());
  });

  it('asks about a conflict with both versions masked; mine is sent', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    await pushOverview(STATES.conflict());
    const dialog = await screen.findByRole('dialog', { name: '다른 곳에서 바뀐 내용이 있습니다' });
    const mine = within(dialog).getByRole('region', { name: '이 컴퓨터에서 입력한 내용' });
    expect(mine).toHaveTextContent('ne***@gmail.com');
    expect(mine).toHaveTextContent(/바뀐 일시\s*2025년 3월 5일/);
    const registered = within(dialog).getByRole('region', { name: '지금 등록된 내용' });
    expect(registered).toHaveTextContent('ab***@naver.com');
    // When the registered info last changed, in the user's language.
    expect(registered).toHaveTextContent(/바뀐 일시\s*2025년 3월 2일/);
    // Two choices of equal weight: one class list, neither the accent.
    const keepServer = within(dialog).getByRole('button', { name: '등록된 내용 유지' });
    const keepMine = within(dialog).getByRole('button', { name: '입력한 내용으로 바꾸기' });
    expect(keepMine.className).toBe(keepServer.className);
    expect(keepMine).not.toHaveClass('primary');
    await expectNoViolations();
    await fireEvent.click(keepMine);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.cmd === 'resolve_conflict')?.args).toEqual({ choice: 'mine' });
  });

  it('a conflict put off can be reopened from settings; a failing choice says why', async () => {
    await renderApp({ overview: STATES.conflict(), errors: { resolve_conflict: { code: 'server_error', params: {} } } });
    const dialog = await screen.findByRole('dialog');
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: '남길 내용 고르기' }));
    const again = await screen.findByRole('dialog');
    await fireEvent.click(within(again).getByRole('button', { name: '등록된 내용 유지' }));
    expect(await within(again).findByRole('alert')).toHaveTextContent('서버에서 오류가 발생했습니다.');
  });

  it('a signed-out event returns to sign-in', async () => {
    await renderApp({ overview: STATES.registered() });
    await pushOverview(STATES.signedOut());
    expect(await screen.findByRole('heading', { level: 1, name: '로그인' })).toBeInTheDocument();
  });

  it('a session the server stopped accepting asks for a sign-in that wipes nothing', async () => {
    await renderApp({ overview: STATES.registered() });
    await pushOverview(STATES.signInRequired());
    expect(await screen.findByRole('heading', { level: 1, name: '다시 로그인해 주세요' })).toBeInTheDocument();
    expect(screen.getAllByText('다시 로그인 필요').length).toBeGreaterThan(0);
  });

  it('a failing start-up still shows a screen', async () => {
    await renderApp({
      overview: STATES.signedOut(),
      errors: { app_info: { code: 'unknown', params: {} }, restore_session: { code: 'server_error', params: {} } },
    });
    expect(screen.getByRole('heading', { level: 1, name: '로그인' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('서버에서 오류가 발생했습니다.');
  });
});

describe('Kept work the app cannot send', () => {
  it('says the credential store cannot be read, keeps everything, and 다시 시도 asks again', async () => {
    const { calls } = await renderApp({ overview: { ...STATES.registered(), sync: { state: 'credential_store_unavailable' } } });
    expect(await screen.findByText(/운영체제의 보안 저장소를 지금 읽을 수 없습니다/)).toBeInTheDocument();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: '다시 시도' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'retry_credential_store')).toBe(true));
    await waitFor(() => expect(screen.queryByText(/운영체제의 보안 저장소를 지금 읽을 수 없습니다/)).not.toBeInTheDocument());
  });

  it('changes saved for another server are never sent here: discard or keep', async () => {
    const { calls } = await renderApp({ overview: { ...STATES.registered(), other_server_writes: 2 } });
    expect(await screen.findByText('다른 서버용으로 저장된 변경 내용이 있습니다')).toBeInTheDocument();
    expect(screen.getByText(/지금 서버에 저장하지 않습니다\(2건\)/)).toBeInTheDocument();
    await expectNoViolations();
    await fireEvent.click(screen.getByRole('button', { name: '보관' }));
    expect(screen.queryByText('다른 서버용으로 저장된 변경 내용이 있습니다')).not.toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'discard_other_server_writes')).toBe(false);
    resetApp();
    const again = await renderApp({ overview: { ...STATES.registered(), other_server_writes: 1 } });
    await fireEvent.click(await screen.findByRole('button', { name: '이 변경 내용 삭제' }));
    await waitFor(() => expect(again.calls.some((c) => c.cmd === 'discard_other_server_writes')).toBe(true));
    await waitFor(() => expect(screen.queryByText('다른 서버용으로 저장된 변경 내용이 있습니다')).not.toBeInTheDocument());
  });
});

describe('The organisation deleted the account', () => {
  it('says so on the sign-in screen, with the notice contact or the company helpdesk', async () => {
    await renderApp({ overview: STATES.accountGone() });
    expect(await screen.findByText('계정이 삭제되었습니다')).toBeInTheDocument();
    expect(screen.getByText(/아직 서버에 저장되지 않은 변경은 모두 지웠습니다/)).toBeInTheDocument();
    expect(screen.getByText('문의처: 메일플러그 고객센터 1668-2590')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: '로그인' })).toBeInTheDocument();
    await expectNoViolations();
    resetApp();
    await renderApp({ overview: STATES.accountGone(), info: { helpdesk: { phone: '02-123-4567', url: null, hours: null } } });
    expect(await screen.findByText('문의처: 02-123-4567')).toBeInTheDocument();
  });

  it('is not shown once someone is signed in', async () => {
    await renderApp({ overview: STATES.registered() });
    expect(screen.queryByText('계정이 삭제되었습니다')).toBeNull();
  });
});
