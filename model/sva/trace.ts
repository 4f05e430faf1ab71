// The sva model's event log (`sva-check validate-trace`): seed 001's log format
// (model/sva/trace-log.ts), the steps that print it (their tracepoints, model/sva/tracepoints.ts), and what the
// validator needs besides (model/sva/trace-fit.ts).
import type { ModelTrace } from '../../explorer/trace-validate/events.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
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
  invisible: () => ['device/dma_private', 'device/ats_translation_request', 'device/dma_translated', 'device/dma_untranslated'],
  describe: describeSva,
  print: printSvaEvent,
};
