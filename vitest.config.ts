import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser test needs Chromium: `npm run test:browser` (and .ci/run) runs it.
    exclude: process.env['SVA_CHECK_BROWSER'] ? [] : ['test/browser/**'],
    // Generous: the longest test explores 1.1M states (about 25 s here), and CI machines are slower.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share each worker's module cache (the model and its compiled codecs load once per
    // worker, not once per file): about a tenth of the suite's time was module loading.
    isolate: false,
    // Vitest leaves one core to its main process by default, which on our 2-core machines runs the
    // suite in one worker; the main process only collects results, so use every core.
    maxWorkers: availableParallelism(),
  },
});
