// Every screen of the built UI in a real browser (Debian's Chromium through playwright-core), with
// the IPC mocked: a screenshot per screen in ko and en, light and dark, at 420 px and 900 px, into
// target/ui-screenshots/. axe-core runs on each (colour contrast included) and the 동의/거부
// buttons are measured; any violation or difference fails the run. Screens with a primary action
// (저장) are also shown in the default window (560×760) and at 200 % zoom of it (280×380 CSS px),
// and fail the run when that action is not inside the viewport at 420 px, 560×760 or 200 % zoom.
//
//   npm run build && node ui/screenshots/run.mjs [--only name]
import { createServer } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { parse } from 'yaml';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(root, 'ui/dist');
const out = join(root, 'target/ui-screenshots');
// `--only a,b`: just those screens.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;

const catalogs = {
  ko: parse(await readFile(join(root, 'locales/ko.yml'), 'utf8')),
  en: parse(await readFile(join(root, 'locales/en.yml'), 'utf8')),
};
const text = (locale, key) => key.split('.').reduce((node, part) => node?.[part], catalogs[locale]);

// The mock backend, bundled for the page.
const bundle = await build({
  configFile: false,
  logLevel: 'warn',
  root,
  build: {
    write: false,
    lib: { entry: join(root, 'ui/screenshots/mock-entry.ts'), formats: ['iife'], name: 'screenshotMock' },
    minify: false,
  },
});
const mockSource = (Array.isArray(bundle) ? bundle[0] : bundle).output[0].code;
const axeSource = await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dist, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const h1 = (page) => page.getByRole('heading', { level: 1 });
/** Each screen: the state it starts from and what a person does to reach it. */
const SCREENS = [
  { name: 'signin', state: 'signedOut' },
  {
    name: 'signin-error',
    state: 'signedOut',
    errors: { sign_in: { code: 'too_many_attempts', params: { seconds: '30' } } },
    act: async (page, L) => {
      await page.getByLabel(L('signin.address')).fill('hong@company.co.kr');
      await page.getByLabel(L('signin.password')).fill('wrong');
      await page.getByRole('button', { name: L('signin.submit'), exact: true }).click();
      await page.getByRole('alert').waitFor();
    },
  },
  { name: 'signin-again', state: 'signInRequired' },
  {
    name: 'signin-waiting',
    state: 'signedOut',
    signInHangs: true,
    act: async (page, L) => {
      await page.getByLabel(L('signin.address')).fill('hong@company.co.kr');
      await page.getByLabel(L('signin.password'), { exact: true }).fill('password');
      await page.getByRole('button', { name: L('signin.submit'), exact: true }).click();
      await page.getByRole('button', { name: L('signin.cancel'), exact: true }).waitFor();
    },
  },
  {
    name: 'consent',
    state: 'firstLogin',
    act: async (page, L) => page.getByRole('button', { name: L('consent.agree'), exact: true }).waitFor(),
    check: checkChoices,
  },
  {
    name: 'consent-offline',
    state: 'firstLogin',
    errors: { notice: { code: 'offline', params: {} } },
    act: async (page) => page.getByRole('alert').waitFor(),
  },
  {
    name: 'refused',
    state: 'firstLogin',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('consent.refuse'), exact: true }).click();
      await h1(page).filter({ hasText: L('refused.title') }).waitFor();
    },
  },
  {
    name: 'form',
    state: 'agreedEmpty',
    act: async (page, L) => page.getByLabel(L('form.email')).waitFor(),
    primary: (page, L) => page.getByRole('button', { name: L('form.save'), exact: true }),
  },
  // Agreed, nothing registered and nothing waiting: no status chip anywhere.
  {
    name: 'form-nothing-yet',
    state: 'nothingYet',
    act: async (page, L) => page.getByLabel(L('form.email')).waitFor(),
    primary: (page, L) => page.getByRole('button', { name: L('form.save'), exact: true }),
  },
  {
    name: 'form-errors',
    state: 'agreedEmpty',
    primary: (page, L) => page.getByRole('button', { name: L('form.save'), exact: true }),
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('hong@company.co.kr');
      await page.getByLabel(L('form.phone')).pressSequentially('0212345678');
      await page.waitForTimeout(400);
    },
  },
  {
    name: 'form-valid',
    state: 'agreedEmpty',
    primary: (page, L) => page.getByRole('button', { name: L('form.save'), exact: true }),
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('me@naver.con');
      await page.getByLabel(L('form.phone')).pressSequentially('01012345678');
      await page.waitForTimeout(400);
    },
  },
  {
    // A domain typed with the keyboard in 한글 mode: core reads the keys back and offers the address.
    name: 'form-hangul-slip',
    state: 'agreedEmpty',
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('hong@ㅜㅁㅍㄷㄱ.채ㅡ');
      await page.getByRole('button', { name: L('email.use_suggestion').replace('%{address}', 'hong@naver.com') }).waitFor();
    },
  },
  {
    // An address pasted from a mail client with the name: core keeps the address and says so.
    name: 'form-pasted-address',
    state: 'agreedEmpty',
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('홍길동 <hong@naver.com>');
      await page.waitForTimeout(400);
    },
  },
  {
    name: 'form-reserved-domain',
    state: 'agreedEmpty',
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('hong@corp.gcloud.local');
      await page.waitForTimeout(400);
    },
  },
  {
    name: 'form-overseas',
    state: 'agreedEmpty',
    primary: (page, L) => page.getByRole('button', { name: L('form.save'), exact: true }),
    act: async (page, L) => {
      await page.getByRole('switch', { name: L('form.overseas') }).check();
      await page.getByRole('button', { name: L('form.overseas_help_label') }).click();
      const combo = page.getByRole('combobox', { name: L('country.label') });
      await combo.click();
      await combo.fill('u');
      await page.getByRole('option').first().waitFor();
      await combo.press('ArrowDown');
    },
  },
  {
    name: 'result',
    state: 'agreedEmpty',
    act: async (page, L) => {
      await page.getByLabel(L('form.email')).fill('abcd@naver.com');
      await page.getByLabel(L('form.phone')).pressSequentially('01012345678');
      const save = page.getByRole('button', { name: L('form.save'), exact: true });
      await page.waitForFunction(() => !document.querySelector('button[type=submit]')?.disabled);
      await save.click();
      // The mock's save waits for the server: the title says it is on this computer only.
      await h1(page).filter({ hasText: L('result.title_waiting') }).waitFor();
    },
  },
  { name: 'verify', state: 'verifySent', act: async (page, L) => page.getByLabel(L('verify.code_label')).waitFor() },
  {
    name: 'verify-wrong',
    state: 'verifySent',
    act: async (page, L) => {
      await page.getByLabel(L('verify.code_label')).fill('000000');
      await page.getByRole('button', { name: L('verify.confirm'), exact: true }).click();
      await page.locator('#verify-msg').filter({ hasText: /\S/ }).waitFor();
    },
  },
  { name: 'verify-phone', state: 'verifyPhone', act: async (page, L) => page.getByLabel(L('verify.code_label')).waitFor() },
  { name: 'verify-expired', state: 'verifyExpired' },
  { name: 'verify-exhausted', state: 'verifyExhausted' },
  { name: 'verify-offline', state: 'verifyOffline' },
  { name: 'verify-capped', state: 'verifyCapped' },
  { name: 'verify-no-sender', state: 'verifyNoSender' },
  { name: 'verify-registered', state: 'verifyRegistered' },
  {
    name: 'verify-done',
    state: 'verifyPhone',
    act: async (page, L) => {
      await page.getByLabel(L('verify.code_label')).fill('123456');
      await page.getByRole('button', { name: L('verify.confirm'), exact: true }).click();
      await h1(page).filter({ hasText: L('result.verified_title') }).waitFor();
    },
  },
  { name: 'stepup', state: 'passwordRequired', act: async (page) => page.getByRole('dialog').waitFor() },
  {
    name: 'stepup-error',
    state: 'passwordRequired',
    errors: { step_up: { code: 'invalid_credentials', params: {} } },
    act: async (page, L) => {
      await page.getByLabel(L('stepup.password'), { exact: true }).fill('wrong');
      await page.getByRole('dialog').getByRole('button', { name: L('stepup.submit'), exact: true }).click();
      await page.locator('#stepup-msg').filter({ hasText: /\S/ }).waitFor();
    },
  },
  {
    name: 'stepup-later',
    state: 'passwordRequired',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('stepup.later'), exact: true }).click();
      await page.getByRole('button', { name: L('stepup.open'), exact: true }).waitFor();
    },
  },
  { name: 'settings-unverified', state: 'unverified' },
  { name: 'reconfirm', state: 'reconfirmDue' },
  { name: 'reconfirm-locked', state: 'reconfirmLocked' },
  { name: 'settings', state: 'registered' },
  { name: 'settings-refused', state: 'refused' },
  { name: 'settings-offline', state: 'pendingOffline' },
  { name: 'settings-error', state: 'syncError' },
  { name: 'start-checking', state: 'startChecking' },
  { name: 'start-not-answering', state: 'startNotAnswering' },
  { name: 'start-offline', state: 'startOffline' },
  { name: 'credential-store-unavailable', state: 'credentialStoreUnavailable' },
  { name: 'other-server-writes', state: 'otherServerWrites' },
  { name: 'account-gone', state: 'accountGone' },
  {
    name: 'settings-receipts',
    state: 'registered',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('settings.receipt_show') }).click();
      await page.getByText(L('settings.receipt_empty')).waitFor();
    },
  },
  {
    name: 'settings-update',
    state: 'registered',
    update: 'available',
    act: async (page, L) => page.getByRole('heading', { name: L('settings.update_heading') }).waitFor(),
  },
  {
    name: 'delete-confirm',
    state: 'registered',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('settings.delete'), exact: true }).click();
      await page.getByRole('dialog').waitFor();
    },
  },
  {
    name: 'delete-queued',
    state: 'pendingOffline',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('settings.delete'), exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: L('settings.delete_confirm'), exact: true }).click();
      await page.getByText(L('settings.delete_queued')).waitFor();
    },
  },
  { name: 'conflict', state: 'conflict', act: async (page) => page.getByRole('dialog').waitFor() },
  {
    name: 'help',
    state: 'signedOut',
    act: async (page, L) => {
      await page.getByRole('button', { name: L('nav.help'), exact: true }).click();
      await h1(page).filter({ hasText: L('help.title') }).waitFor();
    },
  },
  {
    name: 'help-policy',
    state: 'registered',
    helpdesk: true,
    act: async (page, L) => {
      await page.getByRole('button', { name: L('nav.help'), exact: true }).click();
      await h1(page).filter({ hasText: L('help.title') }).waitFor();
    },
  },
];

/** 거부 and 동의: same box, same type, same colours, measured in the real layout. */
async function checkChoices(page, L) {
  const measure = (name) =>
    page.getByRole('button', { name, exact: true }).evaluate((el) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        width: Math.round(r.width),
        height: Math.round(r.height),
        fontSize: s.fontSize,
        fontWeight: s.fontWeight,
        color: s.color,
        background: s.backgroundColor,
        border: `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`,
        focused: document.activeElement === el,
        pressed: el.getAttribute('aria-pressed'),
      };
    });
  const refuse = await measure(L('consent.refuse'));
  const agree = await measure(L('consent.agree'));
  if (JSON.stringify(refuse) !== JSON.stringify(agree)) {
    return [`거부/동의 differ: ${JSON.stringify(refuse)} vs ${JSON.stringify(agree)}`];
  }
  if (refuse.focused || agree.focused) return ['a consent choice has the focus on arrival'];
  return [];
}

/** The primary action, unscrolled-to, wholly inside the viewport (a sticky bar keeps it there). */
async function checkPrimary(page, L, screen) {
  if (!screen.primary) return [];
  const box = await screen.primary(page, L).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: innerHeight, width: innerWidth };
  });
  const inside = box.top >= 0 && box.left >= 0 && box.bottom <= box.height && box.right <= box.width;
  return inside ? [] : [`the primary action is outside the ${box.width}×${box.height} viewport: ${JSON.stringify(box)}`];
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
await mkdir(out, { recursive: true });
const failures = [];
let shots = 0;
const started = Date.now();
/** One language, scheme and width: every screen in its own page of one browser context. */
async function shootCombination({ locale, scheme, width }) {
  const L = (key) => text(locale, key);
  const context = await browser.newContext({ viewport: { width, height: 760 }, colorScheme: scheme, locale });
  try {
    for (const screen of SCREENS) {
      if (only && !only.includes(screen.name)) continue;
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(
        `window.__SCREENSHOT__ = ${JSON.stringify({ state: screen.state, locale, errors: screen.errors, helpdesk: screen.helpdesk, update: screen.update, signInHangs: screen.signInHangs })};\n${mockSource}`,
      );
      await page.goto(base);
      await h1(page).waitFor();
      if (screen.act) await screen.act(page, L);
      await page.waitForTimeout(150);
      const id = `${screen.name}.${locale}.${scheme}.${width}`;
      await page.screenshot({ path: join(out, `${id}.png`), fullPage: true });
      shots++;
      // axe-core on every screen, language and scheme; once per screen at the narrow width,
      // where the same markup and colours are also the most cramped.
      if (width === 420) {
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        for (const v of result) failures.push(`${id}: axe ${v}`);
      }
      if (screen.check) for (const p of await screen.check(page, L)) failures.push(`${id}: ${p}`);
      if (width === 420) for (const p of await checkPrimary(page, L, screen)) failures.push(`${id}: ${p}`);
      // No horizontal scrolling at any width from 420 px up.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) failures.push(`${id}: ${overflow}px of horizontal overflow`);
      for (const e of errors) failures.push(`${id}: page error ${e}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
}

/**
 * The default window (560×760, tauri.conf.json) and 200 % zoom of it (half the CSS pixels): the
 * screens with a primary action, which must stay on screen without scrolling.
 */
async function shootWindow({ locale, viewport, tag }) {
  const L = (key) => text(locale, key);
  const context = await browser.newContext({ viewport, colorScheme: 'light', locale });
  try {
    for (const screen of SCREENS) {
      if (!screen.primary || (only && !only.includes(screen.name))) continue;
      const page = await context.newPage();
      await page.addInitScript(
        `window.__SCREENSHOT__ = ${JSON.stringify({ state: screen.state, locale, errors: screen.errors, helpdesk: screen.helpdesk, update: screen.update })};\n${mockSource}`,
      );
      await page.goto(base);
      await h1(page).waitFor();
      if (screen.act) await screen.act(page, L);
      await page.waitForTimeout(150);
      const id = `${screen.name}.${locale}.light.${tag}`;
      // The viewport as the user sees it, not the full page: the point is what shows unscrolled.
      await page.screenshot({ path: join(out, `${id}.png`) });
      shots++;
      for (const p of await checkPrimary(page, L, screen)) failures.push(`${id}: ${p}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) failures.push(`${id}: ${overflow}px of horizontal overflow`);
      await page.close();
    }
  } finally {
    await context.close();
  }
}

// Most of a screen's time is waiting (debounces, settling), so a few combinations at once keep
// the cores busy without starving any page.
const PARALLEL = 3;
const combinations = [];
for (const locale of ['ko', 'en']) {
  for (const scheme of ['light', 'dark']) {
    for (const width of [420, 900]) combinations.push({ locale, scheme, width });
  }
}
try {
  const queue = [...combinations];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (queue.length) await shootCombination(queue.shift());
    }),
  );
  for (const locale of ['ko', 'en']) {
    await shootWindow({ locale, viewport: { width: 560, height: 760 }, tag: '560x760' });
    await shootWindow({ locale, viewport: { width: 280, height: 380 }, tag: 'zoom200' });
  }
} finally {
  await browser.close();
  server.close();
}
await writeFile(join(out, 'report.txt'), failures.length ? failures.join('\n') + '\n' : 'no problems\n');
console.log(`${shots} screenshots in ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (failures.length) {
  console.error(`${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
