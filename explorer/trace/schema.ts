// The counterexample file format as a JSON Schema document, derived from the zod schema the loader
// uses, so the published schema and the checked one cannot drift apart.
import { z } from 'zod';
import { CounterexampleSchema } from './itf.ts';

export function counterexampleJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(CounterexampleSchema, { io: 'input' }),
    title: 'sva-check counterexample (ITF-shaped), schema sva-check/counterexample/v1',
  };
}
