// The report-fault-void pair of iopf variants (seed 004's void iommu_report_device_fault and its
// lost return), at iopf-small. The lost-return variant's space is 8 times the baseline's (1.4 million
// states), so its verdict is checked at one page request group and without allocation failures:
// 13,801 states, the same violations as at the whole iopf-small bounds (715k states without
// allocation failures: one-response-per-group, deadlock, prg-answered beyond the known findings; its
// bug is a missing return, not an error path or a second group); the response-failure witness needs
// the failures and is not asked.
import { describe, expect, it } from 'vitest';
import reportFaultVoid from '../../spec/variants/iopf/report-fault-void.ts';
import reportFaultVoidLostReturn from '../../spec/variants/iopf/report-fault-void-lost-return.ts';
import type { Variant } from '../../explorer/variant.ts';
import type { IopfParams } from '../../model/params.ts';
import type { State } from '../../model/state.ts';
import { exploreAll, itHasItsVerdict, smallParams, variantExplorer, withVariant } from './iopf-helpers.ts';

const exploreVariant = variantExplorer();
const oneGroupNoAllocFailures = { ...smallParams, allocFailures: false, groups: 1 };
const exploreLostReturn = (v: Variant<State, IopfParams>) => exploreAll({ ...withVariant(v), witnesses: [] }, oneGroupNoAllocFailures);

describe('report-fault-void variants at iopf-small', () => {
  itHasItsVerdict([reportFaultVoid], exploreVariant);
  itHasItsVerdict([reportFaultVoidLostReturn], exploreLostReturn);

  it('report-fault-void: the shortest counterexample ends in a stalled device', () => {
    const r = exploreVariant(reportFaultVoid);
    expect(r.kind).toBe('violation');
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'deadlock') : undefined;
    expect(v?.detail).toMatch(/^device 0 is stalled: it waits for a response/);
    const last = v!.trace[v!.trace.length - 1]!.state;
    expect(last.devices[0]!.prgs.some((p) => p.state === 'waiting')).toBe(true);
  });
});
