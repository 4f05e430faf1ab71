// The MSI geometry of one IOMMU domain as processes: the MSI API's user (VFIO) setting the aperture,
// possibly more than once (`sets`), and a concurrent iommu_domain_get_attr(DOMAIN_ATTR_MSI_GEOMETRY)
// caller (iommu_msi_domain, or another user of the attribute) reading it, each store and load a step.
import { z } from 'zod';
import { bool, int, literal, record, type Codec } from '../../explorer/codec.ts';
import { step, type Process } from '../../explorer/model.ts';
import { iommu_msi_set_aperture_store, msi_aperture_valid, otherField, type Aperture, type ApertureField, type MsiGeometry } from './msi-iommu.ts';

export const msiParams = z
  .object({
    /** The domain's aperture is programmable (else fixed by the IOMMU driver at `fixed`). */
    programmable: z.boolean().default(true),
    /** The apertures the MSI API's user sets, in order (the first `sets` of them). */
    apertures: z
      .array(z.object({ start: z.number().int().min(0).max(7), end: z.number().int().min(0).max(7) }).strict())
      .min(1)
      .max(3)
      .default([
        { start: 2, end: 4 },
        { start: 1, end: 3 },
      ]),
    /** iommu_msi_set_aperture calls: 1 sets the aperture once, 2 reprograms it. */
    sets: z.number().int().min(0).max(3).default(1),
    /** A fixed aperture's bounds. */
    fixed: z.object({ start: z.number().int().min(0).max(7), end: z.number().int().min(0).max(7) }).strict().default({ start: 1, end: 2 }),
    /**
     * What "not set" is for a programmable aperture: the patch's 0/0 ("In case the aperture is
     * programmable, start/end are set to 0"), or start at its largest value and end 0.
     */
    unset: z.enum(['zero', 'max']).default('zero'),
    /** get_attr calls by the reader. */
    reads: z.number().int().min(1).max(3).default(2),
  })
  .strict()
  .refine((p) => p.sets <= p.apertures.length, { message: 'sets: more iommu_msi_set_aperture calls than apertures listed' });
export type MsiParams = z.output<typeof msiParams>;

/**
 * Which field may reach memory (a store) or be read (a load) first. The patch's get_attr is a struct
 * copy (no order, and arm64 may reorder loads); its setter stores start, then end, "in the right
 * order" as the review asks, and the model takes that order as the order other CPUs see.
 */
export interface MsiOrders {
  readonly stores: readonly ApertureField[];
  readonly loads: readonly ApertureField[];
}

export const PATCH_ORDERS: MsiOrders = { stores: ['aperture_start'], loads: ['aperture_start', 'aperture_end'] };

export interface MsiState {
  geometry: MsiGeometry;
  /** The setter: its calls, and the field the call in progress stored first (`second`: the other is owed). */
  setter: { calls: number; pc: 'idle' | 'second'; first: ApertureField };
  /** The get_attr caller: the field it loaded first and its value (`second`: the other is owed), its calls. */
  reader: { pc: 'idle' | 'second'; first: ApertureField; value: number; reads: number };
  /** Ghost: a get_attr returned a valid range that no iommu_msi_set_aperture call (nor the driver) set. */
  tornRead: boolean;
}

export function msiInit(c: MsiParams): MsiState {
  const unset = c.unset === 'zero' ? { aperture_start: 0, aperture_end: 0 } : { aperture_start: MAX_IOVA, aperture_end: 0 };
  const g = c.programmable ? unset : { aperture_start: c.fixed.start, aperture_end: c.fixed.end };
  return {
    geometry: { ...g, programmable: c.programmable },
    setter: { calls: 0, pc: 'idle', first: 'aperture_start' },
    reader: { pc: 'idle', first: 'aperture_start', value: 0, reads: 0 },
    tornRead: false,
  };
}

export function msiCodec(c: MsiParams): Codec<MsiState> {
  const v = int(0, MAX_IOVA);
  const field = literal(['aperture_start', 'aperture_end'] as const);
  return record<MsiState>({
    geometry: record<MsiGeometry>({ aperture_start: v, aperture_end: v, programmable: bool }),
    setter: record({ calls: int(0, c.sets), pc: literal(['idle', 'second'] as const), first: field }),
    reader: record({ pc: literal(['idle', 'second'] as const), first: field, value: v, reads: int(0, c.reads) }),
    tornRead: bool,
  });
}

/** The largest address the model's apertures use (the "max" of an unset start). */
const MAX_IOVA = 7;

/** A range get_attr may return: one that was set (or the driver's), or any invalid one. */
function legitimate(c: MsiParams, s: MsiState, start: number, end: number): boolean {
  if (!msi_aperture_valid(start, end)) return true;
  const set: readonly Aperture[] = c.programmable ? c.apertures.slice(0, s.setter.calls) : [c.fixed];
  return set.some((a) => a.start === start && a.end === end);
}

export function msiProcesses(c: MsiParams): Process<MsiState>[] {
  return [
    {
      name: 'msi_setter',
      instances: 1,
      pc: (s) => s.setter.pc,
      steps: [setFirstStep(c, PATCH_ORDERS.stores), setSecondStep(c)],
    },
    {
      name: 'msi_reader',
      instances: 1,
      pc: (s) => s.reader.pc,
      steps: [
        getAttrFirstLoadStep(c, PATCH_ORDERS.loads),
        step<MsiState>({
          name: 'iommu_domain_get_attr/second_load',
          at: 'second',
          doc: 'the copy loads the other field; the caller judges the range (start >= end: invalid)',
          source: 'seed 002 (Alex Williamson: "We can always define that start >= end is invalid")',
          locks: 'none',
          apply: (d) => {
            const r = d.reader;
            const [start, end] = r.first === 'aperture_start' ? [r.value, d.geometry.aperture_end] : [d.geometry.aperture_start, r.value];
            if (!legitimate(c, d as MsiState, start, end)) d.tornRead = true;
            // The copy is the caller's local, dead once judged: forgotten, so that runs differing only in it meet.
            Object.assign(r, { pc: 'idle', first: 'aperture_start', value: 0 });
            r.reads++;
          },
        }),
      ],
    },
  ];
}

/** get_attr's first load: either field (the patch's struct copy), or `loads` alone (an ordered reader). */
export function getAttrFirstLoadStep(c: MsiParams, loads: readonly ApertureField[]) {
  return step<MsiState, ApertureField>({
      name: 'iommu_domain_get_attr/first_load',
      at: 'idle',
      doc: `iommu_domain_get_attr(domain, DOMAIN_ATTR_MSI_GEOMETRY, &geo): the copy loads ${loads.length > 1 ? 'one field (either may come first: no order, no barrier)' : `${loads[0]!} first`}`,
      source: 'seed 002 (iommu_msi_domain calls iommu_domain_get_attr(d, DOMAIN_ATTR_MSI_GEOMETRY, &msi_geometry))',
      locks: 'none',
      choices: (s) => (s.reader.reads < c.reads ? loads : []),
      apply: (d, _self, first) => {
        d.reader.first = first;
        d.reader.value = d.geometry[first];
        d.reader.pc = 'second';
      },
    });
}

/** The first store of an iommu_msi_set_aperture call (a programmable aperture only). */
export function setFirstStep(c: MsiParams, stores: readonly ApertureField[]) {
  return step<MsiState, ApertureField>({
    name: 'iommu_msi_set_aperture/first',
    at: 'idle',
    doc: `iommu_msi_set_aperture(domain, start, end): the first store to reach memory (${stores.join(' or ')})`,
    source: 'seed 002 (msi-iommu.c iommu_msi_set_aperture; "set them in the right order")',
    locks: 'none against iommu_domain_get_attr',
    choices: () => stores,
    enabled: (s) => c.programmable && s.setter.calls < c.sets,
    apply: (d, _self, first) => {
      iommu_msi_set_aperture_store(d.geometry, c.apertures[d.setter.calls]!, first);
      d.setter.calls++;
      d.setter.first = first;
      d.setter.pc = 'second';
    },
  });
}

export function setSecondStep(c: MsiParams) {
  return step<MsiState>({
    name: 'iommu_msi_set_aperture/second',
    at: 'second',
    doc: 'the other field\'s store',
    source: 'seed 002 (msi-iommu.c iommu_msi_set_aperture)',
    locks: 'none against iommu_domain_get_attr',
    apply: (d) => {
      iommu_msi_set_aperture_store(d.geometry, c.apertures[d.setter.calls - 1]!, otherField(d.setter.first));
      d.setter.pc = 'idle';
      d.setter.first = 'aperture_start';
    },
  });
}

export const MSI_READS_DONE = (c: MsiParams) => (s: MsiState): boolean => s.reader.reads === c.reads && s.setter.pc === 'idle' && (s.setter.calls === c.sets || !c.programmable);
