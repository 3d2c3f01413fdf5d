import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations, pushOverview } from '../testing/harness';
import { STATES } from '../testing/backend';
import { setLocale } from '../lib/i18n.svelte';

afterEach(resetApp);

describe('Settings: updates', () => {
  it('a build without an updater shows no update section', async () => {
    await renderApp({ overview: STATES.registered() });
    await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' });
    expect(screen.queryByRole('heading', { level: 2, name: '업데이트' })).toBeNull();
  });

  it('policy that turns updates off is shown as the company\'s choice, with nothing to press', async () => {
    await renderApp({
      overview: STATES.registered(),
      update: { state: 'off_by_policy', version: null, current_version: '0.1.0' },
    });
    const section = (await screen.findByRole('heading', { level: 2, name: '업데이트' })).closest('section')!;
    expect(section).toHaveTextContent('관리자가 설정함');
    expect(section).toHaveTextContent('회사에서 관리합니다');
    expect(within(section).queryByRole('button')).toBeNull();
    await expectNoViolations();
  });

  it('a check finds a version, says the OS may ask for rights, and installs only when asked', async () => {
    const { calls } = await renderApp({
      overview: STATES.registered(),
      update: { state: 'up_to_date', version: null, current_version: '0.1.0' },
      updateFound: { state: 'available', version: '0.2.0', current_version: '0.1.0' },
    });
    const section = (await screen.findByRole('heading', { level: 2, name: '업데이트' })).closest('section')!;
    expect(section).toHaveTextContent('최신 버전을 사용하고 있습니다.');
    expect(calls.some((c) => c.cmd === 'install_update')).toBe(false);
    await fireEvent.click(within(section).getByRole('button', { name: '업데이트 확인' }));
    expect(await within(section).findByText('새 버전을 설치할 수 있습니다. 버전: 0.2.0')).toBeInTheDocument();
    expect(section).toHaveTextContent('관리자 권한을 요청할 수 있습니다');
    expect(calls.some((c) => c.cmd === 'install_update')).toBe(false);
    await fireEvent.click(within(section).getByRole('button', { name: '설치하고 다시 시작' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'install_update')).toBe(true));
    await expectNoViolations();
  });

  it('a failed installation says so and offers the update again', async () => {
    await renderApp({
      overview: STATES.registered(),
      update: { state: 'available', version: '0.2.0', current_version: '0.1.0' },
      errors: { install_update: { code: 'update_failed', params: {} } },
    });
    const section = (await screen.findByRole('heading', { level: 2, name: '업데이트' })).closest('section')!;
    await fireEvent.click(within(section).getByRole('button', { name: '설치하고 다시 시작' }));
    expect(await within(section).findByText(/업데이트를 설치하지 못했습니다/)).toBeInTheDocument();
    await waitFor(() => expect(within(section).getByRole('button', { name: '설치하고 다시 시작' })).toBeEnabled());
  });
});

describe('Settings (로그인 보안 설정 > 본인 인증 정보)', () => {
  it('is home once registered: consent, masked info, last update, sync state', async () => {
    await renderApp({ overview: STATES.registered() });
    expect(screen.getByRole('heading', { level: 1, name: '본인 인증 정보' })).toHaveFocus();
    expect(screen.getByRole('navigation', { name: '현재 위치' })).toHaveTextContent('로그인 보안 설정');
    expect(screen.getByText('ab***@naver.com')).toBeInTheDocument();
    expect(screen.getByText(/010-\*\*\*\*-5678/)).toBeInTheDocument();
    expect(screen.getByText('동의함')).toBeInTheDocument();
    expect(screen.getAllByText('서버에 저장됨').length).toBeGreaterThan(0);
    expect(screen.getByRole('button', { name: '변경' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '삭제' })).toBeInTheDocument();
    await expectNoViolations();
  });

  it('변경 opens the form with a way back', async () => {
    await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('button', { name: '변경' }));
    expect(await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toBeInTheDocument();
    await fireEvent.click(await screen.findByRole('button', { name: '취소' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
  });

  it('변경 offline says that saving replaces both parts, since nothing could be prefilled', async () => {
    await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('button', { name: '변경' }));
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    expect(await screen.findByText(/지금 등록된 정보를 불러오지 못했습니다/)).toBeInTheDocument();
    await expectNoViolations();
  });

  it('변경 with the registered values prefilled says nothing more', async () => {
    await renderApp({
      overview: STATES.registered(),
      draft: { email: 'seoyeon.lee@naver.com', phone: '010-1234-5678', overseas: false, country: null, focus: null, caret: null },
    });
    await fireEvent.click(screen.getByRole('button', { name: '변경' }));
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    expect(await screen.findByDisplayValue('seoyeon.lee@naver.com')).toBeInTheDocument();
    expect(screen.queryByText(/지금 등록된 정보를 불러오지 못했습니다/)).toBeNull();
  });

  it('삭제 asks once, states the consequence, then says what was purged', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    const opener = screen.getByRole('button', { name: '삭제' });
    opener.focus(); // as from the keyboard (jsdom does not focus on click)
    await fireEvent.click(opener);
    const dialog = await screen.findByRole('dialog', { name: '본인 인증 정보를 삭제할까요?' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveTextContent('내부 관리자를 통해서만 재설정이 가능합니다');
    await waitFor(() => expect(within(dialog).getByRole('heading', { level: 2 })).toHaveFocus());
    await expectNoViolations();
    // Escape cancels and gives the focus back.
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
    expect(calls.some((c) => c.cmd === 'delete_identity')).toBe(false);

    await fireEvent.click(opener);
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '삭제하기' }));
    expect(await screen.findByText(/사본도 모두 지웠습니다/)).toBeInTheDocument();
    expect(calls.filter((c) => c.cmd === 'delete_identity')).toHaveLength(1);
    expect(screen.getByText('철회함')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '등록' })).toBeInTheDocument();
  });

  it('keeps the focus inside the dialog', async () => {
    await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('button', { name: '삭제' }));
    const dialog = await screen.findByRole('dialog');
    const [cancel, confirm] = within(dialog).getAllByRole('button');
    confirm!.focus();
    await fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(cancel).toHaveFocus();
    await fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(confirm).toHaveFocus();
  });

  it('a failed delete says why and keeps the info', async () => {
    await renderApp({ overview: STATES.registered(), errors: { delete_identity: { code: 'offline', params: {} } } });
    await fireEvent.click(screen.getByRole('button', { name: '삭제' }));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '삭제하기' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('서버에 연결할 수 없습니다.');
    expect(screen.getByText('ab***@naver.com')).toBeInTheDocument();
  });

  it('after a refusal, 등록 goes through consent first', async () => {
    await renderApp({ overview: STATES.refused() });
    expect(screen.getByText('거부함')).toBeInTheDocument();
    expect(screen.getByText(/거부 시에도 추가등록 할 수 있습니다/)).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: '등록' }));
    expect(await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보 수집 및 이용 동의' })).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: '동의' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: '나중에 하기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
  });

  it('withdrawing consent is as easy as giving it', async () => {
    const { calls } = await renderApp({ overview: { ...STATES.agreedEmpty() } });
    // Agreed with nothing registered lands on the form; settings is one step away.
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    await pushOverview({ ...STATES.agreedEmpty(), info: null });
    const { navigate } = await import('../lib/router.svelte');
    navigate('settings');
    await fireEvent.click(await screen.findByRole('button', { name: '동의 철회' }));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '철회하기' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'delete_identity')).toBe(true));
  });

  it('withdrawing consent with info registered says the info goes too', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    await fireEvent.click(await screen.findByRole('button', { name: '동의 철회' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('동의를 철회하면 등록된 메일 주소와 휴대폰 번호도 서버와 이 컴퓨터에서 모두 삭제됩니다.');
    await fireEvent.click(within(dialog).getByRole('button', { name: '철회하기' }));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'delete_identity')).toBe(true));
  });

  it('the "also after refusing" note is for a refusal, not a withdrawal', async () => {
    await renderApp({ overview: STATES.refused() });
    expect(screen.getByText(/거부 시에도 추가등록 할 수 있습니다/)).toBeInTheDocument();
    resetApp();
    const withdrawn = STATES.refused();
    withdrawn.consent = { ...withdrawn.consent, state: 'withdrawn' };
    await renderApp({ overview: withdrawn });
    expect(await screen.findByText('등록하려면 먼저 본인 인증 정보 수집 및 이용에 동의해 주세요.')).toBeInTheDocument();
    expect(screen.queryByText(/거부 시에도 추가등록 할 수 있습니다/)).not.toBeInTheDocument();
  });

  it('shows the consent receipt', async () => {
    await renderApp({
      overview: STATES.registered(),
      receipts: [
        {
          decision: 'agreed',
          decided_at: '2025-03-02T09:15:00+09:00',
          notice_version: '2025-01',
          notice_sha256: 'ab'.repeat(32),
          app_version: '0.1.0',
          os: 'Windows 11',
          synced: true,
        },
      ],
    });
    const toggle = screen.getByRole('button', { name: '동의 내역 보기' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await fireEvent.click(toggle);
    expect(await screen.findByText('ab'.repeat(32))).toBeInTheDocument();
    expect(screen.getByText('0.1.0 · Windows 11')).toBeInTheDocument();
    expect(within(document.getElementById('settings-receipts')!).getByText('서버에 저장됨')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '동의 내역 닫기' })).toHaveAttribute('aria-expanded', 'true');
    await expectNoViolations();
  });

  it('says so when the receipts cannot be read', async () => {
    await renderApp({ overview: STATES.registered(), errors: { consent_receipts: { code: 'unknown', params: {} } } });
    await fireEvent.click(screen.getByRole('button', { name: '동의 내역 보기' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('알 수 없는 오류가 발생했습니다.');
  });

  it('switches language from the radio group, without a restart', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('radio', { name: 'English' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Identity-verification info' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'English' })).toBeChecked();
    expect(calls.find((c) => c.cmd === 'set_locale')?.args).toEqual({ locale: 'en' });
    await expectNoViolations();
    setLocale('ko');
  });

  it('sign-out confirms the consequence, then returns to sign-in', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    await fireEvent.click(screen.getByRole('button', { name: '로그아웃' }));
    const dialog = await screen.findByRole('dialog', { name: '로그아웃할까요?' });
    expect(dialog).toHaveTextContent('서버에 아직 저장되지 않은 변경이 모두 삭제됩니다');
    await fireEvent.click(within(dialog).getByRole('button', { name: '로그아웃하기' }));
    expect(await screen.findByRole('heading', { level: 1, name: '로그인' })).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'sign_out')).toBe(true);
  });

  it('warns when no OS credential store keeps the session', async () => {
    await renderApp({ overview: { ...STATES.registered(), credential_store: 'memory' } });
    expect(screen.getByText(/앱을 다시 시작하면 다시 로그인해야 합니다/)).toBeInTheDocument();
  });
});

describe('Diagnostics', () => {
  afterEach(() => resetApp());

  it('진단 정보 내보내기 saves a zip and says where', async () => {
    const { calls } = await renderApp({ overview: STATES.registered() });
    await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' });
    await fireEvent.click(screen.getByRole('button', { name: '진단 정보 내보내기' }));
    expect(await screen.findByText(/진단 정보를 저장했습니다/)).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'export_diagnostics')).toBe(true);
    await expectNoViolations();
  });
});

describe('Settings under IT policy', () => {
  afterEach(() => {
    resetApp();
    setLocale('ko');
  });

  it('offers only the languages policy allows, marked as set by the administrator', async () => {
    await renderApp({
      overview: STATES.registered(),
      info: { allowed_locales: ['ko'], managed: ['allowed_locales'] },
    });
    await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' });
    const languages = screen.getByRole('group', { name: '언어' });
    expect(within(languages).getAllByRole('radio')).toHaveLength(1);
    expect(within(languages).getByRole('radio', { name: '한국어' })).toBeChecked();
    expect(screen.getByText('관리자가 설정함')).toBeInTheDocument();
    // The header's switch disappears too: there is nothing to switch to.
    expect(screen.queryByRole('button', { name: 'English' })).toBeNull();
    await expectNoViolations();
  });
});
