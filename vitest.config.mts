import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

/**
 * Unit and integration tests, colocated with the code (foo.ts ↔ foo.test.ts).
 * Two projects because they run in different places: Node code in Node, renderer components in jsdom.
 * End-to-end tests (real Chromium) have their own config: vitest.e2e.config.mts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'src/**/*.test.ts',
            'test/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts'
          ],
          exclude: ['src/renderer/**', 'test/e2e/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000
        }
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.ts'],
          testTimeout: 15_000
        }
      }
    ]
  }
})
