// npm run schema: writes docs/counterexample.schema.json from the loader's zod schema.
import { writeFileSync } from 'node:fs';
import { counterexampleJsonSchema } from '../explorer/trace/schema.ts';

writeFileSync('docs/counterexample.schema.json', `${JSON.stringify(counterexampleJsonSchema(), null, 2)}\n`);
console.log('wrote docs/counterexample.schema.json');
