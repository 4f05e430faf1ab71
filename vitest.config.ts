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
    // The searches allocate a copy of each successor's touched slices, nearly all of it dead at the
    // next level: a larger young generation collects it in fewer scavenges and promotes less. The
    // suite: 318 s without it, 274 s with it (2 cores, Node 20).
    execArgv: ['--max-semi-space-size=32'],
    // Vitest leaves one core to its main process by default, which on our 2-core machines runs the
    // suite in one worker; the main process only collects results, so use every core.
    maxWorkers: availableParallelism(),
  },
});
