/** Renders the whole app against a scripted backend, as the Tauri window would show it. */
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { cleanup, render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import { expect } from 'vitest';
import App from '../App.svelte';
import { app } from '../lib/app.svelte';
import { setLocale } from '../lib/i18n.svelte';
import { resetNavigation } from '../lib/router.svelte';
import { backend, type Scenario } from './backend';
import type { Overview } from '../lib/types';

export function resetApp() {
  cleanup();
  clearMocks();
  resetNavigation();
  app.info = null;
  app.overview = null;
  app.ready = false;
  app.alert = null;
  app.conflictDeferred = false;
  app.stepUpDeferred = false;
  setLocale('ko');
}

/** Mounts the app and waits for its first screen's heading. */
export async function renderApp(scenario: Scenario) {
  resetApp();
  mockIPC(backend(scenario), { shouldMockEvents: true });
  const result = render(App);
  await screen.findByRole('heading', { level: 1 });
  return { ...result, calls: scenario.calls! };
}

export async function pushOverview(overview: Overview) {
  await emit('overview-changed', overview);
}

/** axe-core over the whole document; colour contrast is judged in the real browser run. */
export async function expectNoViolations(root: Element = document.body) {
  const results = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } });
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
