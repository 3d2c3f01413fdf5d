/** `locales/*.yml`, turned into plain objects at build time by the Vite plugin in `vite.config.ts`. */
declare module '*.yml' {
  const catalog: Record<string, unknown>;
  export default catalog;
}
