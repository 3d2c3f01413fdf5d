import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations } from '../testing/harness';
import { STATES } from '../testing/backend';
import { setLocale } from '../lib/i18n.svelte';

afterEach(resetApp);

describe('Consent', () => {
  it('shows the notice box faithfully: paragraphs and the numbered list', async () => {
    await renderApp({ overview: STATES.firstLogin() });
    expect(screen.getByRole('heading', { level: 1, name: '[선택] 본인 인증 정보 수집 및 이용 동의' })).toHaveFocus();
    const box = await screen.findByRole('region', { name: '본인 인증 정보 수집 및 이용 동의 안내문' });
    const items = within(box).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      '수집항목: 이메일 주소, 휴대폰 번호',
      '이용목적: 본인 인증, 보안 향상, 부정 이용 방지',
      '보유 기간: 계정 완전 삭제 또는 사용자가 본인 인증 정보를 삭제할 때 즉시 파기',
    ]);
    expect(within(box).getByText(/동의하지 않더라도 본인 인증 수단 이외의 서비스 이용에는 지장이 없음을 안내드립니다/)).toBeInTheDocument();
    await expectNoViolations();
  });

  it('makes the retention period and the right to refuse stand out, and says what no info costs before the choice', async () => {
    await renderApp({ overview: STATES.firstLogin() });
    const box = await screen.findByRole('region', { name: '본인 인증 정보 수집 및 이용 동의 안내문' });
    const bold = Array.from(box.querySelectorAll('strong')).map((b) => b.textContent);
    expect(bold).toEqual([
      '보유 기간: 계정 완전 삭제 또는 사용자가 본인 인증 정보를 삭제할 때 즉시 파기',
      expect.stringMatching(/^정보 주체는 위 본인 인증 정보 수집 및 이용에 동의를 거부할 수 있으며/),
    ]);
    const cost = screen.getByText('등록된 인증정보가 없으면 비밀번호 분실 시 내부 관리자를 통해서만 재설정이 가능합니다.');
    const choices = screen.getByRole('group', { name: '동의 여부 선택' });
    expect(cost.compareDocumentPosition(choices) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(choices).toHaveAttribute('aria-describedby', cost.id);
  });

  it('gives 거부 and 동의 equal weight and preselects neither', async () => {
    await renderApp({ overview: STATES.firstLogin() });
    const refuse = await screen.findByRole('button', { name: '거부' });
    const agree = screen.getByRole('button', { name: '동의' });
    expect(refuse.className).toBe(agree.className);
    expect(refuse.className).not.toMatch(/primary|danger/);
    for (const button of [refuse, agree]) {
      expect(button.tagName).toBe('BUTTON');
      expect(button).toHaveAttribute('type', 'button');
      expect(button).not.toHaveFocus();
      expect(button).not.toHaveAttribute('aria-pressed');
      expect(button).not.toHaveAttribute('autofocus');
      expect(button).toBeEnabled();
    }
    // Same parent, side by side: neither is set apart.
    expect(refuse.parentElement).toBe(agree.parentElement);
    expect(getComputedStyle(refuse).cssText).toBe(getComputedStyle(agree).cssText);
  });

  it('agree records the notice version and hash shown, then opens the form', async () => {
    const { calls } = await renderApp({ overview: STATES.firstLogin() });
    await fireEvent.click(await screen.findByRole('button', { name: '동의' }));
    expect(await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'decide_consent')?.args).toEqual({
      decision: 'agreed',
      noticeVersion: '2025-01',
      noticeSha256: 'ab'.repeat(32),
    });
  });

  it('agreeing again to a newer notice keeps the registered info and returns to settings', async () => {
    // Agreed once on an older notice, info registered: the new notice is shown first.
    await renderApp({ overview: { ...STATES.registered(), needs_consent: true } });
    await fireEvent.click(await screen.findByRole('button', { name: '동의' }));
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' })).toBeNull();
  });

  it('refuse leads to the refusal screen', async () => {
    await renderApp({ overview: STATES.firstLogin() });
    await fireEvent.click(await screen.findByRole('button', { name: '거부' }));
    expect(await screen.findByRole('heading', { level: 1, name: '동의를 거부했습니다' })).toHaveFocus();
  });

  it('says clearly when the notice cannot be fetched offline, and retries', async () => {
    const scenario = {
      overview: { ...STATES.firstLogin(), online: false },
      errors: { notice: { code: 'offline', params: {} } } as Record<string, { code: string; params: Record<string, string> }>,
    };
    await renderApp(scenario);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('서버에 연결할 수 없습니다.');
    expect(alert).toHaveTextContent('안내문을 불러오지 못했습니다.');
    expect(screen.queryByRole('button', { name: '동의' })).toBeNull();
    expect(screen.getByText(/오프라인 상태입니다/)).toBeInTheDocument();
    await expectNoViolations();
    delete scenario.errors.notice;
    await fireEvent.click(screen.getByRole('button', { name: '다시 시도' }));
    expect(await screen.findByRole('button', { name: '동의' })).toBeInTheDocument();
  });

  it('keeps the notice on screen when the decision fails', async () => {
    await renderApp({ overview: STATES.firstLogin(), errors: { decide_consent: { code: 'server_error', params: {} } } });
    await fireEvent.click(await screen.findByRole('button', { name: '동의' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('서버에서 오류가 발생했습니다.');
    expect(screen.getByRole('button', { name: '동의' })).toBeEnabled();
    await expectNoViolations();
  });

  it('shows the English notice in English', async () => {
    await renderApp({ overview: STATES.firstLogin(), info: { locale: 'en' } });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent(
      '[Optional] Consent to the collection and use of identity-verification info',
    );
    expect(await screen.findByRole('button', { name: 'Agree' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refuse' })).toBeInTheDocument();
    await expectNoViolations();
    setLocale('ko');
  });

  it('switches language without a restart, notice included', async () => {
    const { calls } = await renderApp({ overview: STATES.firstLogin() });
    await screen.findByRole('button', { name: '동의' });
    await fireEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(await screen.findByRole('button', { name: 'Agree' })).toBeInTheDocument();
    await waitFor(() => expect(calls.filter((c) => c.cmd === 'notice').map((c) => c.args.locale)).toEqual(['ko', 'en']));
    expect(calls.find((c) => c.cmd === 'set_locale')?.args).toEqual({ locale: 'en' });
    expect(document.documentElement.lang).toBe('en');
  });
});
