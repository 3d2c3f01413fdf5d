/**
 * When and where the save status is shown. A status says where the user's data stands, so it is
 * shown only once something exists (registered info, a draft, or a queued change) and only once
 * per screen: the screens that show it in full (result, settings, refused) take it out of the header.
 */
import type { Overview } from './types';
import type { Screen } from './router.svelte';

/** Screens that show the status with its reason in their own body. */
const SHOWN_IN_BODY: readonly Screen[] = ['result', 'settings', 'refused'];

/** True when there is something whose status means anything: registered info, or anything waiting. */
export function hasStatus(overview: Overview | null | undefined): boolean {
  if (!overview) return false;
  return !!overview.info || overview.sync.state !== 'synced';
}

/** True when the header's chip is the one place the status appears on `screen`. */
export function headerShowsStatus(overview: Overview | null | undefined, screen: Screen): boolean {
  return hasStatus(overview) && !SHOWN_IN_BODY.includes(screen);
}

/** Whether what the user saved has reached the server, as the result screen's title says it. */
export function isRegistered(overview: Overview | null | undefined): boolean {
  return overview?.sync.state === 'synced';
}
