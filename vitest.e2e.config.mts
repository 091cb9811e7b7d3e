import { defineConfig } from 'vitest/config'

/** End-to-end: Debian Chromium driven by playwright-core against browser mode, one file at a time. */
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
