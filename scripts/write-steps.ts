// npm run steps: writes model/STEPS.md from the step definitions.
import { writeFileSync } from 'node:fs';
import { STEPS_FILE, stepsDoc } from './steps-doc.ts';

writeFileSync(STEPS_FILE, await stepsDoc());
console.log(`wrote ${STEPS_FILE}`);
