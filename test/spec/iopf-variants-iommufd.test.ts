// The iommufd fault object variants (v6.11 iommufd/fault.c), at iopf-small.
import { describe, expect, it } from 'vitest';
import iommufdFaultObject from '../../spec/variants/iopf/iommufd-fault-object.ts';
import iommufdFaultObjectNoCodeCheck from '../../spec/variants/iopf/iommufd-fault-object-no-code-check.ts';
import { iommufdSteps } from '../../spec/variants/iopf/iommufd.ts';
import { iommufdFaults, iommufdOf } from '../../model/iommufd/state.ts';
import type { State } from '../../model/state.ts';
import { firstViolation } from '../helpers/reach.ts';
import { itHasItsVerdict, smallParams, variantExplorer, withVariant } from './iopf-helpers.ts';

const exploreVariant = variantExplorer();

describe('iommufd variants at iopf-small', () => {
  itHasItsVerdict([iommufdFaultObject, iommufdFaultObjectNoCodeCheck], exploreVariant);

  it('iommufd-fault-object-no-code-check: the response that breaks the rule is a write of a held cookie with FAILURE', () => {
    const r = exploreVariant(iommufdFaultObjectNoCodeCheck);
    const v = r.kind === 'violation' ? r.violations.find((x) => x.property === 'response-code-valid') : undefined;
    const last = v!.trace[v!.trace.length - 1]!;
    expect(last.move?.step).toBe('iommufd_fault_fops_write');
    expect(last.move?.choice).toMatchObject({ code: 'FAILURE' });
    expect(last.state.devices[0]!.pri).toBe('failed');
  });

  it('iommufd-fault-object: the detach is the fence; releasing the PASID before it lets user space answer a stale fault', () => {
    const unfenced = { ...iommufdFaultObject, steps: { replace: iommufdSteps({ fence: false }) } };
    // The fenced variant fixes no-fault-after-pasid-free (its verdict above); without the fence it is
    // violated again, by a stale fault that user space holds.
    const v = firstViolation(withVariant(unfenced), smallParams, 'no-fault-after-pasid-free');
    const last = v!.trace.at(-1)!.state as State;
    expect(iommufdFaults(iommufdOf(last)!).some((f) => f.stale)).toBe(true);
  });
});
