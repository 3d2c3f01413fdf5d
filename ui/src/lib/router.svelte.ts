/**
 * Which screen is shown. The overview decides where the user must be (signed out → sign-in; a
 * decision owed → consent); within that, the user's own navigation picks the screen. Kept pure in
 * `resolveScreen` so the rules are testable without rendering anything.
 */
import type { Overview } from './types';

export type Screen = 'signin' | 'consent' | 'verify' | 'refused' | 'form' | 'result' | 'settings' | 'help';

/** Screens the user can ask for; the others follow from the overview. */
export type Requested = Exclude<Screen, 'signin' | 'verify'>;

export function resolveScreen(overview: Overview | null, requested: Requested | null): Screen {
  if (requested === 'help') return 'help';
  if (!overview || !overview.account) return 'signin';
  if (overview.sync.state === 'sign_in_required') return 'signin';
  if (overview.needs_consent) return 'consent';
  // Codes asked for come before anything the user asked for: a save waits on them.
  if (overview.verification) return 'verify';
  if (requested) return requested;
  if (overview.consent.state === 'agreed' && !overview.info) return 'form';
  return 'settings';
}

const nav = $state<{ requested: Requested | null; beforeHelp: Requested | null; flash: string | null }>({
  requested: null,
  beforeHelp: null,
  flash: null,
});

export function requested(): Requested | null {
  return nav.requested;
}

/** Goes to a screen; `null` lets the overview decide. `flash` is a catalog key shown once there. */
export function navigate(to: Requested | null, flash: string | null = null): void {
  if (to === 'help' && nav.requested !== 'help') nav.beforeHelp = nav.requested;
  nav.requested = to;
  nav.flash = flash;
}

/** Leaves the help screen for wherever the user was. */
export function back(): void {
  nav.requested = nav.beforeHelp;
  nav.beforeHelp = null;
}

/** A one-off message key for the current screen (e.g. "deleted"). */
export function flash(): string | null {
  return nav.flash;
}

/** Forgets the user's navigation, e.g. after signing out. */
export function resetNavigation(): void {
  nav.requested = null;
  nav.beforeHelp = null;
  nav.flash = null;
}
