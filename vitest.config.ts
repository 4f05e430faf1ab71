import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest starts the files it has timed before, longest first; a fresh clone has no timings, and
 * vitest then starts the largest files first, which here are the quick ones (the CLI's), so the
 * searches (test/spec/, each file a few lines exploring whole configs) ran last and one worker
 * finished long after the other. Without timings, test/spec/ goes first.
 */
class SearchesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = sorted.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`));
    if (timed) return sorted;
    const searches = (f: TestSpecification): boolean => relative(this.ctx.config.root, f.moduleId).startsWith('test/spec/');
    return [...sorted.filter(searches), ...sorted.filter((f) => !searches(f))];
  }
}

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
    sequence: { sequencer: SearchesFirst },
    // Vitest leaves one core to its main process by default, which on our 2-core machines runs the
    // suite in one worker; the main process only collects results, so use every core.
    maxWorkers: availableParallelism(),
  },
});
