/**
 * Bundled into the screenshot page before the app: the scripted backend behind `mockIPC`, set up
 * from `window.__SCREENSHOT__` (which state, which language, which failures).
 */
import { mockIPC } from '@tauri-apps/api/mocks';
import { backend, STATES, type Scenario } from '../src/testing/backend';

type Setup = {
  state: keyof typeof STATES;
  locale: 'ko' | 'en';
  errors?: Scenario['errors'];
  afterSignIn?: keyof typeof STATES;
  helpdesk?: boolean;
  /** An update on offer (`available`) or updates turned off by policy (`off`). */
  update?: 'available' | 'off';
  /** The server never answers a sign-in. */
  signInHangs?: boolean;
};

const setup = (window as unknown as { __SCREENSHOT__: Setup }).__SCREENSHOT__;
mockIPC(
  backend({
    overview: STATES[setup.state](),
    info: {
      locale: setup.locale,
      helpdesk: setup.helpdesk ? { phone: '02-123-4567', url: 'https://help.company.co.kr', hours: '평일 08:30 ~ 17:30' } : null,
    },
    errors: setup.errors,
    update:
      setup.update === 'available'
        ? { state: 'available', version: '0.2.0', current_version: '0.1.0' }
        : setup.update === 'off'
          ? { state: 'off_by_policy', version: null, current_version: '0.1.0' }
          : undefined,
    afterSignIn: setup.afterSignIn ? STATES[setup.afterSignIn]() : undefined,
    signInHangs: setup.signInHangs,
  }),
  { shouldMockEvents: true },
);
