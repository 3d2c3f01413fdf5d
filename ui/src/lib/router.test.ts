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
  it('lets the user move within what the overview allows', () => {
    expect(resolveScreen(STATES.registered(), 'form')).toBe('form');
    expect(resolveScreen(STATES.refused(), 'refused')).toBe('refused');
    expect(resolveScreen(STATES.firstLogin(), 'help')).toBe('help');
    expect(resolveScreen(STATES.signedOut(), 'help')).toBe('help');
  });
});
