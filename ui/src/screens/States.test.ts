/**
 * The save status as each screen shows it: once per screen, never before anything exists, and
 * titles that say whether the server has the info; and who handles the info, said before consent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { expectNoViolations, pushOverview, renderApp, resetApp } from '../testing/harness';
import { STATES } from '../testing/backend';
import { setLocale } from '../lib/i18n.svelte';
import type { Overview } from '../lib/types';

afterEach(resetApp);

/** The status chips on the page (the chip's hidden label starts with the catalog's chip label). */
function chips(): HTMLElement[] {
  return screen.queryAllByRole('status').filter((el) => el.textContent?.includes('저장 상태:'));
}

describe('the save status', () => {
  it('is not shown before anything exists', async () => {
    // Agreed with nothing registered: the form, and no status in the header.
    await renderApp({ overview: STATES.nothingYet() });
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    expect(chips()).toHaveLength(0);
    await expectNoViolations();
    // Nor on settings (after a delete, say).
    resetApp();
    await renderApp({ overview: { ...STATES.nothingYet(), consent: { ...STATES.nothingYet().consent, state: 'withdrawn' } } });
    await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' });
    expect(chips()).toHaveLength(0);
    expect(screen.queryByText('저장 상태')).toBeNull();
  });

  it.each([
    ['registered', '서버에 저장됨'],
    ['pendingOffline', '서버 저장 대기 중'],
    ['syncError', '서버에 저장하지 못함'],
  ] as const)('appears once on settings for %s', async (state, label) => {
    await renderApp({ overview: STATES[state]() });
    await screen.findByRole('heading', { level: 1, name: '본인 인증 정보' });
    expect(chips()).toHaveLength(1);
    expect(chips()[0]).toHaveTextContent(label);
  });

  it('appears once in the header on the form, where the screen shows none', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    await screen.findByRole('heading', { level: 1, name: '[선택] 본인 인증 정보' });
    expect(chips()).toHaveLength(1);
    expect(chips()[0]).toHaveTextContent('이 컴퓨터에만 저장됨');
  });

  it('reads the same in English', async () => {
    await renderApp({ overview: STATES.pendingOffline() });
    setLocale('en');
    const chip = await screen.findByText('Waiting for the server');
    expect(chip.closest('[role="status"]')).toHaveTextContent('The server cannot be reached.');
  });
});

describe('the result title tells the truth', () => {
  async function save(): Promise<void> {
    const input = (await screen.findByLabelText('메일 주소')) as HTMLInputElement;
    input.value = 'abcd@naver.com';
    await fireEvent.input(input);
    const button = screen.getByRole('button', { name: '저장' });
    await waitFor(() => expect(button).toBeEnabled());
    await fireEvent.click(button);
  }

  it('says saved on this computer while waiting, and registered once the server has it', async () => {
    await renderApp({ overview: STATES.agreedEmpty() });
    await save();
    expect(await screen.findByRole('heading', { level: 1, name: '이 컴퓨터에 저장했습니다' })).toBeInTheDocument();
    expect(screen.getByText('아직 서버에 등록되지 않았습니다. 개인정보 보호를 위해 일부만 표시합니다.')).toBeInTheDocument();
    expect(screen.getByText(/서버에 연결되면 자동으로 등록됩니다/)).toBeInTheDocument();
    expect(chips()).toHaveLength(1);
    await expectNoViolations();
    await pushOverview(STATES.registered());
    expect(await screen.findByRole('heading', { level: 1, name: '본인 인증 정보를 등록했습니다' })).toBeInTheDocument();
    expect(screen.queryByText(/서버에 연결되면 자동으로 등록됩니다/)).toBeNull();
  });
});

describe('the delete message', () => {
  async function deleteInfo(overview: Overview) {
    await renderApp({ overview });
    await fireEvent.click(screen.getByRole('button', { name: '삭제' }));
    await fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: '삭제하기' }));
  }

  it('says deleted once the server confirmed it', async () => {
    await deleteInfo(STATES.registered());
    expect(await screen.findByText(/본인 인증 정보를 삭제하고/)).toBeInTheDocument();
    expect(screen.queryByText(/삭제를 요청했습니다/)).toBeNull();
  });

  it('says the delete is waiting while it is queued', async () => {
    await deleteInfo(STATES.pendingOffline());
    expect(await screen.findByText(/삭제를 요청했습니다\. 서버에 연결되면/)).toBeInTheDocument();
    expect(screen.queryByText(/본인 인증 정보를 삭제하고/)).toBeNull();
    expect(chips()[0]).toHaveTextContent('서버 저장 대기 중');
  });
});

describe('consent names who handles the info', () => {
  it('before the choice: the company, MAILPLUG, who sees it and what administrators see', async () => {
    await renderApp({ overview: STATES.firstLogin() });
    const who = await screen.findByRole('region', { name: '정보를 다루는 곳과 볼 수 있는 사람' });
    expect(who).toHaveTextContent(/수집·이용하는 곳\s*회사/);
    expect(who).toHaveTextContent('메일플러그(MAILPLUG)');
    expect(who).toHaveTextContent('본인만 앱에서 볼 수 있으며');
    expect(who).toHaveTextContent(/회사 관리자\s*메일 주소와 휴대폰 번호를 볼 수 없습니다/);
    const refuse = screen.getByRole('button', { name: '거부' });
    expect(who.compareDocumentPosition(refuse) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    await expectNoViolations();
  });

  it('names the company the server gives for the account, in English too', async () => {
    const overview = STATES.firstLogin();
    await renderApp({ overview: { ...overview, account: { ...overview.account!, organisation: 'Hanbit Logistics' } } });
    setLocale('en');
    const who = await screen.findByRole('region', { name: 'Who handles the info and who can see it' });
    expect(who).toHaveTextContent(/Collected and used by\s*Hanbit Logistics/);
    expect(who).toHaveTextContent('MAILPLUG, the operator of G-Cloud mail');
  });
});

describe('the country prefix of the phone field', () => {
  it('sits beside the phone field, after the e-mail, with 대한민국 last in overseas mode', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      await renderApp({ overview: STATES.agreedEmpty() });
      await fireEvent.click(await screen.findByRole('switch', { name: '해외 사용자인가요?' }));
      const combo = await screen.findByRole('combobox', { name: '국가' });
      const email = screen.getByLabelText('메일 주소');
      const phone = screen.getByLabelText('휴대폰 번호');
      expect(email.compareDocumentPosition(combo) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      expect(combo.closest('.phone-row')).toBe(phone.closest('.phone-row'));
      combo.focus();
      await fireEvent.keyDown(combo, { key: 'ArrowDown' });
      await waitFor(() => expect(combo).toHaveAttribute('aria-expanded', 'true'));
      const options = screen.getAllByRole('option');
      expect(options[0]).not.toHaveTextContent('대한민국');
      expect(options.at(-1)).toHaveTextContent('대한민국');
      await expectNoViolations();
    } finally {
      vi.useRealTimers();
    }
  });
});
