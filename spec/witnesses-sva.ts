// `sometimes` properties of the SVA model: each situation an invariant of
// spec/invariants/sva.ts guards is reached at the sva-small bounds, or the invariant proves nothing.
import type { Witness } from '../explorer/model.ts';
import type { State } from '../model/state.ts';
import { PRIVATE_TLB_ENTRY, domainSmmu, masterSmmu, smmuDevice, smmuDevices } from '../model/arm-smmu-v3/state.ts';
import type { DeviceId, MmId } from '../model/ids.ts';
import type { IopfParams } from '../model/params.ts';
import { asid_gen_match } from '../model/mm/context.ts';
import { attachDomain, smmuConfig } from '../model/sva/config.ts';

const privateAsidsOf = new WeakMap<IopfParams, readonly number[]>();
/** The ASID each domain is given at attach (smmuConfig builds the whole SMMU configuration: this runs on every state). */
function privateAsids(c: IopfParams): readonly number[] {
  let asids = privateAsidsOf.get(c);
  if (!asids) privateAsidsOf.set(c, (asids = smmuConfig(c).domains.map((dom) => dom.asid)));
  return asids;
}

const bound = (s: State, mm: number): boolean => s.arm_smmu.masters.some((m) => m.bonds[mm] !== null);

/**
 * The CD of mm `mm` in domain `dom` has one of its install's halves, V or the mm's TTB0 (in whichever
 * order the driver writes them), while the domain has a master.
 */
function installHalfWritten(s: State, dom: number, mm: number): boolean {
  const pasid = s.mms[mm]!.pasid;
  const cd = pasid > 0 ? s.arm_smmu.domains[dom]!.cdtab[pasid] : undefined;
  if (cd === undefined || !s.arm_smmu.masters.some((m) => m.domain === dom)) return false;
  const ttb0 = cd.ttb?.type === 'mm' && cd.ttb.mm === mm;
  return cd.v !== ttb0;
}

/** A writeback holds a page whose PTE it cleaned while a TLB or ATC entry still translates it. */
function cleanedWhileCached(s: State): boolean {
  return (s.httu?.writeback ?? []).some((w, mm) => {
    if (w.page === null || s.mms[mm]!.pages[w.page]!.pte !== 'clean') return false;
    const page = w.page;
    return (
      smmuDevices(s.arm_smmu).some(({ tlb }) => tlb.some((row) => row[page] === mm)) ||
      s.arm_smmu.atc.some((rows) => rows.some((row) => row[page] === mm))
    );
  });
}

/** Every SMMU holds a TLB or ATC entry of one mm (any page, any ASID or SSID) at once. */
function everySmmuCaches(s: State): boolean {
  const smmus = smmuDevices(s.arm_smmu);
  return s.mms.some((_m, mm) =>
    smmus.every(
      ({ tlb }, k) =>
        tlb.some((row) => row.includes(mm as MmId)) ||
        s.arm_smmu.atc.some((rows, sid) => masterSmmu(s.arm_smmu, sid as DeviceId) === k && rows.some((row) => row.includes(mm as MmId))),
    ),
  );
}

/** A master is attached to the attach domain (param `attach`), which has an ASID of its own. */
function movedToSecond(s: State, c: IopfParams): boolean {
  const a = s.arm_smmu.attach;
  const dom = attachDomain(c);
  if (!a || a.state[dom] !== 'finalised') return false;
  const asid = s.arm_smmu.domains[dom]!.asid;
  return asid !== s.arm_smmu.domains[0]!.asid && s.arm_smmu.masters.some((m, sid) => m.domain === dom && a.listed[sid] === dom);
}

/** A TLB holds a private entry under the finalised attach domain's ASID while a master is in it. */
function privateEntryInSecond(s: State, c: IopfParams): boolean {
  if (!movedToSecond(s, c)) return false;
  const dom = attachDomain(c);
  const row = smmuDevice(s.arm_smmu, domainSmmu(s.arm_smmu, dom)).tlb[s.arm_smmu.domains[dom]!.asid];
  return row?.some((e) => e === PRIVATE_TLB_ENTRY) ?? false;
}

export const svaWitnesses: readonly Witness<State, IopfParams>[] = [
  {
    name: 'atc-and-tlb-filled',
    description: 'the device\'s ATC and the SMMU TLB both hold a translation of the bound mm (guards the stale-entry invariants)',
    source: 'seed 001 patch 17 / ATS patches',
    reached: (s) => s.arm_smmu.atc.some((r) => r.some((p) => p.some((x) => x !== null))) && s.arm_smmu.tlb.some((r) => r.some((x) => x !== null)),
  },
  {
    name: 'release-while-dma',
    description: 'exit_mmap released the mm while a device is bound to it and may still DMA (guards no-c-bad-cd and the stale-entry invariants)',
    source: 'seed001-killed-process.log; seed 001 patch 17 "DMA may still be running"',
    reached: (s) =>
      s.mms.some((m, mm) => (m.exit.state === 'unmapping' || m.exit.state === 'exited') && bound(s, mm)) &&
      s.devices.some((d) => d.pasid !== 0 && !d.dma_stopped),
  },
  {
    name: 'invalidate-range-waits',
    description: 'a munmap waits for arm_smmu_mm_invalidate_range\'s CMD_SYNC while the ATC holds the page (guards no-dma-to-unmapped-page)',
    source: 'seed001-normal-job.log (smmu_mm_invalidate)',
    reached: (s) => s.procs.some((p, mm) => p.pc === 'invalidate_wait' && s.arm_smmu.atc.some((r) => r.some((x) => x.some((y) => y === mm)))),
  },
  {
    name: 'repeated-bind-shares-bond',
    description: 'a second bind of one (device, mm) pair returned the same bond (guards one-bond-per-device-mm)',
    source: 'seed 001 iommu_sva_bind_device kdoc',
    reached: (s) => s.arm_smmu.masters.some((m) => m.bonds.some((b) => b !== null && b.refs >= 2)),
  },
  {
    name: 'notifier-free-pending',
    description: 'a put notifier waits for its SRCU free while the mm has exited (guards refcounts-balanced and no-mm-use-after-free)',
    source: 'mm/mmu_notifier.c mmu_notifier_put → call_srcu',
    reached: (s) => s.mms.some((m) => m.srcu_pending.length > 0 && m.exit.state === 'exited'),
  },
  {
    name: 'fault-handled-while-bound',
    description: 'an iopf worker handled a page fault on the bound PASID successfully (the normal-job trace)',
    source: 'seed001-normal-job.log',
    reached: (s) => s.workers.some((w) => w.pc === 'complete' && w.status === 'SUCCESS' && w.group.last_fault.pasid !== 0),
  },
  {
    name: 'private-asid-seized',
    description: "a shared CD holds the ASID a private domain was given at attach: arm_smmu_share_asid seized it (guards cd-hitless, sva-cd-ownership and private-dma-translates through the seize)",
    source: 'v5.10 "iommu/arm-smmu-v3: Seize private ASID" (arm_smmu_share_asid); kernel-notes 1c',
    reached: (s, c) => privateAsids(c).some((asid) => s.arm_smmu.asid_xa[asid]?.type === 'shared'),
  },
  {
    name: 'cd-install-half-written',
    description:
      "a bind's CD install is between its two halves, in a table the SMMU can fetch from: of V and the mm's TTB0, the CD at the mm's PASID holds one and not the other (guards cd-hitless)",
    source: 'arm-smmu-v3.c arm_smmu_write_ctx_desc cases (1)/(2) (v5.13-rc6, 1013-1022): "the SMMU might read dwords of this CD in any order"',
    reached: (s) => s.arm_smmu.mmu_notifiers.some((n) => n !== null && !n.freeing && installHalfWritten(s, n.domain, n.mm)),
  },
  {
    name: 'writeback-races-cached-write',
    description:
      "with httu: a writeback has cleaned a PTE (page_mkclean_one) while the SMMU TLB or the device's ATC still holds that page's writable translation (guards no-lost-dirty); without httu there is no writeback and nothing to guard",
    source: 'mm/rmap.c page_mkclean_one: no invalidate_range under the PTE lock, only from mmu_notifier_invalidate_range_end (v5.13-rc6)',
    reached: (s, c) => !c.httu || cleanedWhileCached(s),
  },
  {
    name: 'every-smmu-caches-the-mm',
    description:
      'with several SMMUs: each of them holds a TLB or ATC entry of one mm at once, through its own domain (guards invalidation-reaches-every-smmu); with one SMMU there is nothing more to guard',
    source: 'arm-smmu-v3-sva.c arm_smmu_mmu_notifier_get, one notifier per {domain, mm} (:229 at 9936a12fcb18); arm-smmu-v3.c arm_smmu_attach_dev (a domain never spans SMMUs)',
    reached: (s, c) => (c.smmus ?? 1) < 2 || everySmmuCaches(s),
  },
  {
    name: 'master-moved-domains',
    description:
      "with attach: a master is attached to the attach domain (master->domain, its list, a finalised private ASID of the attach domain's own), moved there from its own by arm_smmu_attach_dev (guards the invariants that read a master's domain); without attach nothing moves",
    source: 'arm-smmu-v3.c arm_smmu_attach_dev (:2223-2291 at 9936a12fcb18)',
    reached: (s, c) => !c.attach || movedToSecond(s, c),
  },
  {
    name: 'private-dma-in-second-domain',
    description:
      "with attach: a master in the attach domain has DMAed without a PASID to an IOVA the driver mapped there: the SMMU TLB holds that io-pgtable's entry under the attach domain's own private ASID (guards no-dma-through-stale-tlb and asid-unique across domains)",
    source: 'SMMUv3: CD 0 for a transaction without a SubstreamID; arm-smmu-v3.c arm_smmu_domain_finalise_s1 (each domain its own ASID, :1919-1920 at 9936a12fcb18)',
    reached: (s, c) => !c.attach || c.iovas === 0 || privateEntryInSecond(s, c),
  },
  {
    name: 'second-domain-freed',
    description:
      'with attach: the attach domain was freed after its masters left it, its private ASID erased from asid_xa (guards asid-unique through arm_smmu_domain_free); without attach no domain is freed',
    source: 'arm-smmu-v3.c arm_smmu_domain_free (:1878-1903 at 9936a12fcb18)',
    reached: (s, c) => !c.attach || s.arm_smmu.attach?.state[attachDomain(c)] === 'freed',
  },
  {
    name: 'rollover-while-pinned',
    description: 'an mm stays pinned through an ASID rollover: its context id is of an older generation (guards pinned-asid-stable)',
    source: 'arch/arm64/mm/context.c new_context ("If it is pinned, we can keep using it"), flush_context; kernel-notes 1d',
    reached: (s) => s.mms.some((m) => m.count > 0 && m.context.pinned > 0 && !asid_gen_match(s.cpu_asid, m.context.id)),
  },
];
