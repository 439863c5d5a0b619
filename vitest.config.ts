import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Worker threads started from the sources (the front-end pool) inherit this, and can then load TypeScript.
    execArgv: ['--import', new URL('./test/helpers/typescript-loader.mjs', import.meta.url).pathname],
  },
});
