import { afterEach, describe, expect, it } from 'vitest';
import { screen } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations, pushOverview } from '../testing/harness';
import { MASKED, STATES } from '../testing/backend';
import { setLocale, t } from './i18n.svelte';

afterEach(resetApp);

// The words come from the catalog by key (Korean, the default), whatever their wording.
setLocale('ko');

/** The status chip's region (role status) that holds `text`. */
async function chipWith(text: string) {
  const chips = await screen.findAllByRole('status');
  return chips.find((chip) => chip.textContent?.includes(text));
}

describe('start-up from what this computer kept', () => {
  it('shows the kept info while checking, then what the check found, on the same screen', async () => {
    await renderApp({ overview: STATES.startChecking() });
    await screen.findByRole('heading', { level: 1, name: t('settings.title') });
    expect(document.body).toHaveTextContent(MASKED.email!);
    expect(await chipWith(t('sync.checking'))).toBeDefined();
    // Checking is not offline: no offline banner while the server is being asked.
    expect(document.body).not.toHaveTextContent(t('offline.banner'));
    await expectNoViolations();

    await pushOverview(STATES.registered());
    expect(await chipWith(t('sync.synced'))).toBeDefined();
    expect(document.body).toHaveTextContent(MASKED.email!);
  });

  it('says why the server could not be asked: offline and not answering in their own words', async () => {
    await renderApp({ overview: STATES.startNotAnswering() });
    const chip = await chipWith(t('sync.unreachable'));
    expect(chip).toHaveTextContent(t('sync.connection.not_answering'));
    expect(document.body).toHaveTextContent(MASKED.email!);

    await pushOverview(STATES.startOffline());
    const offline = await chipWith(t('sync.unreachable'));
    expect(offline).toHaveTextContent(t('sync.connection.offline'));
    expect(offline).not.toHaveTextContent(t('sync.connection.not_answering'));
  });
});
