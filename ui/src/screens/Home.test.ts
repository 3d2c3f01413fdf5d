import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import Home from './Home.svelte';
import { setLocale } from '../lib/i18n.svelte';

describe('Home', () => {
  it('shows the product name as the page heading, in Korean', () => {
    setLocale('ko');
    render(Home, { version: '0.1.0' });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('G-Cloud 메일 본인 인증 정보');
    expect(screen.getByText('버전 0.1.0')).toBeInTheDocument();
  });

  it('has no accessibility violations', async () => {
    setLocale('ko');
    const { container } = render(Home, { version: '0.1.0' });
    const results = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations).toEqual([]);
  });
});
