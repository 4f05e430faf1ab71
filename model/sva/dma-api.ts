// The DMA API on the DMA domain's private io-pgtable (the `iovas` bound): the device driver maps and
// unmaps IOVA pages (dma_map_page / dma_unmap_page through iommu-dma), one call at a time. An unmap
// clears the PTE and invalidates the TLB by the domain's ASID as it reads it then, and returns once
// that invalidation's CMD_SYNC completed: the driver may then reuse the memory, so no DMA may use a
// translation of that IOVA any more (invariant no-dma-through-stale-tlb).
// With `attach` it maps into every finalised domain, the second one too once a master's attach
// finalised it; a freed domain's IOVAs go with its io-pgtable (arm_smmu_domain_free).
// Leaves out, and why: block mappings and page sizes (one IOVA page is one PTE), the flush queue of
// lazy unmaps (strict mode, iommu.strict=1, is what the invariant's promise holds for), ATS for the
// DMA domain (no ATC entries without a PASID here).
import { step, type Process } from '../../explorer/model.ts';
import { cmdq_sync_done } from '../arm-smmu-v3/cmdq.ts';
import { arm_smmu_tlb_inv_range_asid } from '../arm-smmu-v3/tlb.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import type { DomainId } from '../ids.ts';
import { domainFinalised } from '../arm-smmu-v3/state.ts';
import { dmaApiOwner } from './config.ts';

/** The CMD_SYNC owner of the DMA-API thread: the number after the others' (config.ts). */
export { dmaApiOwner };

/**
 * The domains whose IOVAs the thread maps: domain 0 (with `smmus` 2, the first SMMU's); with `attach`
 * every finalised domain (the driver maps into the domain it attached its device to). A choice is
 * an IOVA of one of them: dom * iovas + iova.
 */
const mapDomains = (c: IopfParams, s: State): DomainId[] =>
  c.attach ? s.arm_smmu.domains.flatMap((_, i) => (domainFinalised(s.arm_smmu, i) ? [i as DomainId] : [])) : [0 as DomainId];

const iovasIn = (c: IopfParams, s: State, state: 'free' | 'mapped'): number[] =>
  mapDomains(c, s).flatMap((dom) => s.arm_smmu.domains[dom]!.iovas.flatMap((st, i) => (st === state ? [dom * c.iovas + i] : [])));
const unmapping = (s: State): boolean => s.arm_smmu.domains.some((dom) => dom.iovas.includes('unmapping'));
const domainOf = (c: IopfParams, choice: number): DomainId => Math.floor(choice / c.iovas) as DomainId;
const iovaOf = (c: IopfParams, choice: number): number => choice % c.iovas;
const show = (c: IopfParams) => (choice: number): string => (c.attach ? `domain ${domainOf(c, choice)} iova ${iovaOf(c, choice)}` : `iova ${choice}`);

export function dmaApiProcess(c: IopfParams): Process<State> {
  return {
    name: 'dma_api',
    instances: 1,
    pc: (s) => (unmapping(s) ? 'unmap_sync' : 'idle'),
    steps: [
      step<State, number>({
        name: 'iommu_map',
        at: 'idle',
        doc: 'dma_map_page → iommu_dma_map_page (dma-iommu.c:844 at 87ea6a1e395a; __iommu_dma_map_swiotlb :852 → __iommu_dma_map :577 → iommu_map_atomic :530) → __iommu_map (iommu.c:2409, ops->map :2447) → arm_smmu_map → arm_lpae_map (io-pgtable-arm.c:443): the PTE of a free IOVA page is written; no TLB maintenance for a new mapping, only the wmb() at io-pgtable-arm.c:471',
        source: 'drivers/iommu/dma-iommu.c:844-852, :511-530 (87ea6a1e395a) (iommu_dma_map_page, __iommu_dma_map); drivers/iommu/iommu.c:2409-2447 (v5.13-rc6) (__iommu_map); drivers/iommu/io-pgtable-arm.c:443-471 (v5.13-rc6) (arm_lpae_map)',
        locks: 'none (io-pgtable updates are lockless, cmpxchg per table)',
        choices: (s) => iovasIn(c, s, 'free'),
        apply: (d, _self, choice) => {
          d.arm_smmu.domains[domainOf(c, choice)]!.iovas[iovaOf(c, choice)] = 'mapped';
        },
        showChoice: show(c),
      }),
      step<State, number>({
        name: 'iommu_unmap',
        at: 'idle',
        doc: 'dma_unmap_page → iommu_dma_unmap_page (dma-iommu.c:860 at 87ea6a1e395a) → __iommu_dma_unmap (:472): iommu_unmap_fast (:486; __iommu_unmap iommu.c:2494, ops->unmap :2533) → __arm_lpae_unmap (io-pgtable-arm.c:569) clears the PTE (:588), then, strict, iommu_iotlb_sync (dma-iommu.c:489-490) → arm_smmu_iotlb_sync (arm-smmu-v3.c:2324) → arm_smmu_tlb_inv_range_domain (:1750): TLBI_NH_VA, or TLBI_EL2_VA with E2H (:1761-1762), with smmu_domain->s1_cfg.cd.asid as read now (:1763), submitted with its CMD_SYNC by __arm_smmu_tlb_inv_range (:1691, arm_smmu_cmdq_batch_submit :1747). One step: a DMA between the PTE clear and the TLBI finds no PTE to walk either way',
        source: 'drivers/iommu/dma-iommu.c:860-865, :472-491 (87ea6a1e395a) (iommu_dma_unmap_page, __iommu_dma_unmap); drivers/iommu/iommu.c:2494-2533 (v5.13-rc6) (__iommu_unmap); drivers/iommu/io-pgtable-arm.c:569-588 (v5.13-rc6) (__arm_lpae_unmap); drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:2324-2332, :1750-1768, :1691-1747 (v5.13-rc6) (arm_smmu_iotlb_sync, arm_smmu_tlb_inv_range_domain, __arm_smmu_tlb_inv_range)',
        locks: 'none (the unmap path takes no lock against an ASID change)',
        choices: (s) => iovasIn(c, s, 'mapped'),
        apply: (d, _self, choice) => {
          const dom = d.arm_smmu.domains[domainOf(c, choice)]!;
          dom.iovas[iovaOf(c, choice)] = 'unmapping';
          arm_smmu_tlb_inv_range_asid(d.arm_smmu, domainOf(c, choice), dom.asid, iovaOf(c, choice), dmaApiOwner(c));
        },
        showChoice: show(c),
      }),
      step<State>({
        name: 'iommu_unmap/sync',
        at: 'unmap_sync',
        doc: 'arm_smmu_cmdq_issue_cmdlist (arm-smmu-v3.c:722) waits for the CMD_SYNC (arm_smmu_cmdq_poll_until_sync, :819): iommu_unmap returns, and the IOVA and its memory may be reused',
        source: 'drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:722-819 (v5.13-rc6) (arm_smmu_cmdq_issue_cmdlist, its wait at :819)',
        locks: 'none',
        enabled: (s) => cmdq_sync_done(s.arm_smmu, dmaApiOwner(c)),
        apply: (d) => {
          for (const dom of d.arm_smmu.domains) dom.iovas = dom.iovas.map((st) => (st === 'unmapping' ? 'free' : st));
        },
      }),
    ],
  };
}
