/**
 * The little the window remembers: the app info and the latest overview from Rust, replaced
 * whenever the `overview-changed` event arrives. Everything that matters lives on the Rust side.
 */
import { commands, events } from './bindings';
import type { AppInfo, CommandError, Locale, Overview } from './types';
import { setLocale as showLocale } from './i18n.svelte';
import { attempt, attemptPlain } from './result';
import { resetNavigation } from './router.svelte';

export const app = $state<{
  info: AppInfo | null;
  overview: Overview | null;
  ready: boolean;
  /** A failure that belongs to no field: shown in the alert area of the current screen. */
  alert: CommandError | null;
  /** The user closed the conflict dialog for now; the chip still shows the conflict and settings reopens it. */
  conflictDeferred: boolean;
  /** The user chose 나중에 in the password dialog; a banner offers it again while the write waits. */
  stepUpDeferred: boolean;
}>({ info: null, overview: null, ready: false, alert: null, conflictDeferred: false, stepUpDeferred: false });

const FALLBACK_INFO: AppInfo = {
  version: '',
  locale: 'ko',
  allowed_locales: ['ko', 'en'],
  managed: [],
  webmail_url: null,
  helpdesk: null,
  default_overseas_country: null,
};

/** Takes a new overview; a signed-out one also forgets where the user was. */
export function applyOverview(overview: Overview): void {
  const wasSignedIn = !!app.overview?.account;
  app.overview = overview;
  if (wasSignedIn && !overview.account) resetNavigation();
}

let unlisten: (() => void) | null = null;
/**
 * How many `overview-changed` events have arrived. A command's overview is the state when Rust
 * answered; an event that arrives while the command is on its way may be newer (the start-up's
 * check behind the screen finishing), so the answer does not replace it. Every later change comes
 * as an event of its own, so the window still ends on the newest state.
 */
let eventsSeen = 0;

/**
 * Start-up as the bridge describes it: app info, the event, the kept sign-in, the overview. Every
 * step answers from this computer's store, so the first screen is the one the user last had (their
 * masked info, the form with its draft, or consent when a newer notice is kept) whatever the
 * network does; the session is restored behind it and what that finds arrives as
 * `overview-changed` (the status chip says it is checking, then what it found).
 */
export async function boot(): Promise<void> {
  const info = await attemptPlain(() => commands.appInfo());
  app.info = info.status === 'ok' ? info.data : FALLBACK_INFO;
  showLocale(app.info.locale);
  try {
    const stop = await events.overviewChanged.listen((event) => {
      eventsSeen += 1;
      applyOverview(event.payload);
    });
    unlisten = stop;
  } catch {
    // Without the event the screens still work from explicit answers.
  }
  const restored = await attempt(() => commands.restoreSession());
  const seenBefore = eventsSeen;
  const overview = await attemptPlain(() => commands.overview());
  if (overview.status === 'ok' && (eventsSeen === seenBefore || !app.overview)) applyOverview(overview.data);
  if (restored.status === 'error' && restored.error.code !== 'offline') app.alert = restored.error;
  if (overview.status === 'error') app.alert = overview.error;
  app.ready = true;
  markInteractive();
}

/**
 * Tells Rust, once, that the first screen is on and takes input: the end of the start-up figure
 * (logged, and timed by `cargo xtask bench`). The first frame after `ready` lays out the screen, the
 * second comes after it has been painted.
 */
function markInteractive(): void {
  if (typeof requestAnimationFrame !== 'function') return;
  requestAnimationFrame(() => requestAnimationFrame(() => void attemptPlain(() => commands.markInteractive())));
}

export function shutdown(): void {
  try {
    unlisten?.();
  } catch {
    // The bridge is already gone (window closing, or a test tearing down).
  }
  unlisten = null;
}

/** Switches the language at once; Rust remembers it (and retitles the window). */
export async function changeLanguage(locale: Locale): Promise<void> {
  showLocale(locale);
  const saved = await attempt(() => commands.setLocale(locale));
  if (saved.status === 'error') app.alert = saved.error;
}

/** The text of a command error, from the catalog. */
export function errorKey(error: CommandError): string {
  return 'error.' + error.code;
}
