import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp, resetApp, expectNoViolations } from '../testing/harness';
import { STATES } from '../testing/backend';
import { setLocale, t } from './i18n.svelte';

afterEach(resetApp);
setLocale('ko');

describe('a sign-in the server does not answer', () => {
  it('says it is waiting after the hold limit, and 취소 gives the form back without an error', async () => {
    const { calls } = await renderApp({ overview: STATES.signedOut(), signInHangs: true });
    await fireEvent.input(screen.getByLabelText(t('signin.address')), { target: { value: 'hong@company.co.kr' } });
    await fireEvent.input(screen.getByLabelText(t('signin.password')), { target: { value: 'secret' } });
    await fireEvent.click(screen.getByRole('button', { name: t('signin.submit') }));
    expect(screen.getByRole('status')).toHaveTextContent(t('signin.submitting'));
    expect(screen.queryByRole('button', { name: t('signin.cancel') })).toBeNull();

    const cancel = await screen.findByRole('button', { name: t('signin.cancel') }, { timeout: 4000 });
    expect(screen.getByRole('status')).toHaveTextContent(t('signin.waiting'));
    await expectNoViolations();

    await fireEvent.click(cancel);
    await waitFor(() => expect(screen.getByRole('button', { name: t('signin.submit') })).toBeEnabled());
    expect(calls.some((c) => c.cmd === 'cancel_sign_in')).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('button', { name: t('signin.cancel') })).toBeNull();
  });
});
