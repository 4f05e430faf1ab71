// The report-fault-void pair of iopf variants (seed 004's void iommu_report_device_fault and its
// lost return), at iopf-small. The lost-return variant's space is 13 times the baseline's.
import { describe, expect, it } from 'vitest';
import reportFaultVoid from '../../spec/variants/iopf/report-fault-void.ts';
import reportFaultVoidLostReturn from '../../spec/variants/iopf/report-fault-void-lost-return.ts';
import { itHasItsVerdict, variantExplorer } from './iopf-helpers.ts';

const exploreVariant = variantExplorer();

describe('report-fault-void variants at iopf-small', () => {
  itHasItsVerdict([reportFaultVoidLostReturn, reportFaultVoid], exploreVariant);

  it('report-fault-void: the shortest counterexample ends in a stalled device', () => {
    const r = exploreVariant(reportFaultVoid);
    expect(r.kind).toBe('violation');
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'deadlock') : undefined;
    expect(v?.detail).toMatch(/^device 0 is stalled: it waits for a response/);
    const last = v!.trace[v!.trace.length - 1]!.state;
    expect(last.devices[0]!.prgs.some((p) => p.state === 'waiting')).toBe(true);
  });
});
