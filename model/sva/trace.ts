// The sva model's event log (`sva-check validate-trace`): seed 001's log format
// (model/sva/trace-log.ts), the steps that print it (their tracepoints, model/sva/tracepoints.ts), and what the
// validator needs besides (model/sva/trace-fit.ts).
import type { ModelTrace } from '../../explorer/trace-validate/events.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { dmaSteps } from './dma.ts';
import { describeSva, fitSva, observableSva } from './trace-fit.ts';
import { loggedSvaEvent, parseSvaLine, type SvaLogEvent } from './trace-log.ts';
import { printSvaEvent } from './trace-print.ts';

export const svaTrace: ModelTrace<State, IopfParams, SvaLogEvent> = {
  format: "seed 001's SVA event log (smmu_* tracepoints, dev_fault, dev_page_response)",
  parse: parseSvaLine,
  logged: loggedSvaEvent,
  fit: fitSva,
  observable: observableSva,
  // The device's DMA: it reads and fills only the TLB, the ATC, the CD cache, events and ghosts.
  // A config without DMA (model/driver.ts) has none of these steps.
  invisible: (c) => (c.smmu && c.dma ? dmaSteps(c).map((s) => `device/${s.name}`) : []),
  describe: describeSva,
  print: printSvaEvent,
};
