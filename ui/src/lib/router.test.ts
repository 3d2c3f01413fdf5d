import { describe, expect, it } from 'vitest';
import { resolveScreen } from './router.svelte';
import { STATES } from '../testing/backend';

describe('the router', () => {
  it('follows the overview', () => {
    expect(resolveScreen(null, null)).toBe('signin');
    expect(resolveScreen(STATES.signedOut(), 'settings')).toBe('signin');
    expect(resolveScreen(STATES.signInRequired(), 'form')).toBe('signin');
    expect(resolveScreen(STATES.firstLogin(), 'settings')).toBe('consent');
    expect(resolveScreen(STATES.agreedEmpty(), null)).toBe('form');
    expect(resolveScreen(STATES.registered(), null)).toBe('settings');
    expect(resolveScreen(STATES.refused(), null)).toBe('settings');
  });
  it('puts the code screen after consent and before anything the user asked for', () => {
    expect(resolveScreen(STATES.verifySent(), null)).toBe('verify');
    expect(resolveScreen(STATES.verifySent(), 'result')).toBe('verify');
    expect(resolveScreen(STATES.verifySent(), 'settings')).toBe('verify');
    expect(resolveScreen({ ...STATES.verifySent(), needs_consent: true }, null)).toBe('consent');
    expect(resolveScreen({ ...STATES.verifySent(), sync: { state: 'sign_in_required' } }, null)).toBe('signin');
    expect(resolveScreen(STATES.verifySent(), 'help')).toBe('help');
    expect(resolveScreen(STATES.passwordRequired(), null)).toBe('settings');
  });
  it('lets the user move within what the overview allows', () => {
    expect(resolveScreen(STATES.registered(), 'form')).toBe('form');
    expect(resolveScreen(STATES.refused(), 'refused')).toBe('refused');
    expect(resolveScreen(STATES.firstLogin(), 'help')).toBe('help');
    expect(resolveScreen(STATES.signedOut(), 'help')).toBe('help');
  });
});
