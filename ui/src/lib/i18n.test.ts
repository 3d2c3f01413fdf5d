import { describe, expect, it } from 'vitest';
import { currentLocale, setLocale, t } from './i18n.svelte';

describe('the catalog in the UI', () => {
  it('speaks Korean by default', () => {
    setLocale('ko');
    expect(currentLocale()).toBe('ko');
    expect(t('app.name')).toBe('G-Cloud 메일 본인 인증 정보');
  });

  it('switches language without a reload and sets <html lang>', () => {
    setLocale('en');
    expect(t('app.name')).toBe('G-Cloud Mail Identity Verification');
    expect(document.documentElement.lang).toBe('en');
    setLocale('ko');
  });

  it('fills %{placeholders}', () => {
    setLocale('en');
    expect(t('home.version', { version: '1.2.3' })).toBe('Version 1.2.3');
    setLocale('ko');
    expect(t('home.version', { version: '1.2.3' })).toBe('버전 1.2.3');
  });

  it('shows the key rather than a blank for a missing text', () => {
    expect(t('no.such.key')).toBe('no.such.key');
  });
});
