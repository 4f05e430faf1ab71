// The published JSON Schema of counterexample files (docs/counterexample.schema.json) is the one
// the loader checks, and every saved counterexample conforms to the loader's schema.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CounterexampleSchema } from '../../explorer/trace/itf.ts';
import { counterexampleJsonSchema } from '../../explorer/trace/schema.ts';
import { ROOT } from '../helpers/cli.ts';

it('docs/counterexample.schema.json is generated from the loader schema (regenerate: npm run schema)', () => {
  const published = JSON.parse(readFileSync(join(ROOT, 'docs/counterexample.schema.json'), 'utf8')) as unknown;
  expect(published).toEqual(counterexampleJsonSchema());
});

it('every file under counterexamples/ parses with the loader schema', () => {
  const dir = join(ROOT, 'counterexamples');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const parsed = CounterexampleSchema.safeParse(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    expect(parsed.success, f).toBe(true);
  }
});
