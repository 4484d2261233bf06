import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources through the "source" export condition,
// so `pnpm test` needs no build; the CLI end-to-end tests spawn the built bin.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
