// A variant of the kernel model adds a call to the driver's order and a WARN_ON of its own through
// the model's vocabularies: the new program counter and warning kind are encoded like the model's
// own, and no-kernel-warning fires on the new kind.
import { describe, expect, it } from 'vitest';
import { explore } from '../../explorer/bfs.ts';
import { compile } from '../../explorer/compile.ts';
import { step } from '../../explorer/model.ts';
import { applyVariant, composeVariants, defineVariant } from '../../explorer/variant.ts';
import type { SmmuWarning } from '../../model/arm-smmu-v3/state.ts';
import type { IopfParams } from '../../model/params.ts';
import type { DriverPc, State } from '../../model/state.ts';
import sva from '../../spec/sva.ts';
import pasidFreedAtMmdrop from '../../spec/variants/sva/pasid-freed-at-mmdrop.ts';
import alloc from '../../spec/configs/sva-alloc.json' with { type: 'json' };

const params: IopfParams = sva.params.parse(alloc.params);

/** After its last call the driver calls `my_teardown`, which WARNs when its mm still has a PASID. */
const teardown = defineVariant<State, IopfParams>({
  id: 'my-teardown',
  title: 'a new driver call that asserts the unbound mm has no PASID left',
  source: 'test',
  model: 'sva',
  expect: { violates: [] },
  labels: { driver_pc: ['my_teardown'], smmu_warning: ['my_teardown-pasid-left'] },
  steps: {
    add: {
      driver: [
        step<State>({
          name: 'my_teardown',
          at: 'done',
          apply: (d, self) => {
            d.drivers[self] = 'my_teardown' as DriverPc;
            // mm->pasid: 0 when none in seed 001 v6, INVALID_IOASID from v5.18.
            if (d.mms.some((m) => m.count > 0 && m.pasid > 0)) d.arm_smmu.warnings.push('my_teardown-pasid-left' as SmmuWarning);
          },
        }),
      ],
    },
  },
});

describe('a variant extends the kernel model\'s vocabularies', () => {
  it('declares the driver\'s program counters and each slice\'s warning kinds', () => {
    expect(Object.keys(sva.vocabularies ?? {}).sort()).toEqual(['driver_pc', 'ioasid_warning', 'mm_warning', 'pci_warning', 'smmu_warning']);
  });

  it('encodes the new program counter; its WARN_ON holds on the baseline and fires on v5.18\'s PASID lifetime', () => {
    const base = explore(compile(sva, params)).stats.distinctStates;
    const withTeardown = explore(compile(applyVariant(sva, teardown), params), { continueAfterViolation: true });
    // The final states where a driver is done now have successors at my_teardown.
    expect(withTeardown.stats.distinctStates).toBeGreaterThan(base);
    const violated = (r: typeof withTeardown): string[] => (r.kind === 'violation' ? r.violations.map((x) => x.property) : []);
    // In seed 001 v6 the last unbind frees the PASID and resets mm->pasid.
    expect(violated(withTeardown)).not.toContain('no-kernel-warning');
    // From v5.18 the mm keeps its PASID until __mmdrop, after the driver is done.
    const composed = explore(compile(applyVariant(sva, composeVariants([pasidFreedAtMmdrop, teardown])), params), { continueAfterViolation: true });
    const v = composed.kind === 'violation' ? composed.violations.find((x) => x.property === 'no-kernel-warning') : undefined;
    expect(v?.trace.at(-1)?.move?.step).toBe('my_teardown');
    expect(v?.trace.at(-1)?.state.drivers).toContain('my_teardown');
  });
});
