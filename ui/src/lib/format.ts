/** Dates and times as the user's language writes them; the raw value when it cannot be read. */
import type { Locale } from './types';

export function formatDateTime(value: string | null, locale: Locale): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(date);
}

/** A date alone, as the language writes it: 2026년 12월 6일, 6 December 2026. */
export function formatDate(value: string | null, locale: Locale): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'long' }).format(date);
}

/** A countdown as m:ss (2:59, 0:05); never below 0:00. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function formatTime(value: string | null, locale: Locale): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale === 'ko' ? 'ko-KR' : 'en-GB', { timeStyle: 'short' }).format(date);
}

/** A country's name in the user's language (CLDR, as the country picker), else its ISO code. */
export function countryName(code: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
