/**
 * The UI's side of the one catalog: `locales/*.yml`, shared with Rust. `t()` is reactive: a
 * language switch re-renders every text without a restart.
 */
import ko from '../../../locales/ko.yml';
import en from '../../../locales/en.yml';
import type { Locale } from './types';

const catalogs: Record<Locale, Record<string, unknown>> = { ko, en };

const state = $state<{ locale: Locale }>({ locale: 'ko' });

/** The language currently shown. */
export function currentLocale(): Locale {
  return state.locale;
}

/** Switches the language shown; also sets `<html lang>` so screen readers pronounce it right. */
export function setLocale(locale: Locale): void {
  state.locale = locale;
  if (typeof document !== 'undefined') {
    document.documentElement.lang = locale;
  }
}

function lookup(catalog: Record<string, unknown>, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/**
 * The text for `key` in the current language with `%{name}` placeholders filled in. A missing key
 * shows the key itself (the catalog check keeps that from shipping) rather than a blank.
 */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const text = lookup(catalogs[state.locale], key) ?? lookup(catalogs.ko, key) ?? key;
  return text.replace(/%\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the catalog has `key` (in the current language or Korean). */
export function has(key: string): boolean {
  return (lookup(catalogs[state.locale], key) ?? lookup(catalogs.ko, key)) !== undefined;
}

/**
 * The text for a code from Rust (`error.<code>`, `sync.reason.<code>` …): the generic `unknown`
 * text of the same family when the code is new to this catalog, never a raw key.
 */
export function tCode(prefix: string, code: string, params: Record<string, string | number> = {}): string {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key, params) : t(`${prefix}.unknown`, params);
}
