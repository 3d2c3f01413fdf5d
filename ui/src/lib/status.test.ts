import { describe, expect, it } from 'vitest';
import { STATES } from '../testing/backend';
import { hasStatus, headerShowsStatus, isRegistered } from './status';

describe('where the save status appears', () => {
  it('is absent before anything exists: nothing registered and nothing waiting', () => {
    expect(hasStatus(STATES.nothingYet())).toBe(false);
    expect(hasStatus(null)).toBe(false);
    expect(headerShowsStatus(STATES.nothingYet(), 'form')).toBe(false);
  });

  it('is present once something is registered, drafted or queued', () => {
    expect(hasStatus(STATES.registered())).toBe(true);
    expect(hasStatus(STATES.agreedEmpty())).toBe(true);
    expect(hasStatus(STATES.refused())).toBe(true);
    expect(hasStatus(STATES.pendingOffline())).toBe(true);
  });

  it('appears once per screen: the header leaves it to screens that show it in full', () => {
    for (const screen of ['result', 'settings', 'refused'] as const) {
      expect(headerShowsStatus(STATES.registered(), screen)).toBe(false);
    }
    for (const screen of ['form', 'verify', 'consent', 'help'] as const) {
      expect(headerShowsStatus(STATES.registered(), screen)).toBe(true);
    }
  });

  it('calls info registered only once the server has it', () => {
    expect(isRegistered(STATES.registered())).toBe(true);
    expect(isRegistered(STATES.pendingOffline())).toBe(false);
    expect(isRegistered(STATES.agreedEmpty())).toBe(false);
    expect(isRegistered(STATES.syncError())).toBe(false);
  });
});
