// Which exploration makes each property of the kernel models fire: a shipped variant (a kernel
// change, a review question, or a labelled one-step mutation) or a known finding of a baseline, at
// a shipped config. test/spec/firing.test.ts explores each one and fails for a property with no
// entry, so no invariant is vacuous. A hand-made state tests a predicate; it does not count here.

export interface Firing {
  readonly config: string;
  /** The variant's id, or null for the baseline's known finding. */
  readonly variant: string | null;
  /** Parameters changed from the config's, where the situation needs another bound. */
  readonly params?: Readonly<Record<string, unknown>>;
}

export const firing: Readonly<Record<string, Firing>> = {
  'no-response-to-freed-group': { config: 'iopf-small', variant: 'complete-group-after-free' },
  'one-response-per-group': { config: 'iopf-small', variant: 'bad-iopf-setup-fix' },
  'no-fault-after-pasid-free': { config: 'iopf-small', variant: null },
  'partial-list-integrity': { config: 'iopf-small', variant: 'discard-partial-no-list-del' },
  'fault-param-lifetime': { config: 'iopf-small', variant: null },
  'response-code-valid': { config: 'iopf-small', variant: 'iommufd-fault-object-no-code-check' },
  deadlock: { config: 'iopf-small', variant: 'report-fault-void' },
  'nothing-leaks': { config: 'iopf-small', variant: null },
  // The stall patch up to v12: the master arm_smmu_find_master returned is used after streams_mutex is dropped.
  'events-to-their-master': { config: 'iopf-evtq', variant: 'find-master-unlocked' },
  'no-stale-atc-after-release': { config: 'sva-small', variant: 'release-without-invalidate' },
  'no-stale-tlb-after-release': { config: 'sva-small', variant: 'release-without-invalidate' },
  'no-dma-to-unmapped-page': { config: 'sva-small', variant: 'release-without-invalidate' },
  // 701fac40384f: __mmput frees the PASID while the bond still uses it (also F1 in sva-two-devices).
  'pasid-lifetime': { config: 'sva-small', variant: 'pasid-freed-at-mmput' },
  'refcounts-balanced': { config: 'sva-small', variant: 'unbind-notifier-put-first' },
  'one-bond-per-device-mm': { config: 'sva-pair', variant: 'notifier-register-not-get' },
  'no-c-bad-cd': { config: 'sva-small', variant: 'release-clears-valid' },
  'no-mm-use-after-free': { config: 'sva-small', variant: 'unbind-notifier-put-first-mmgrab' },
  'sva-cd-ownership': { config: 'sva-small', variant: null },
  // A bind's CD made valid before its TTB0 is written (labelled mutation of arm_smmu_write_ctx_desc).
  'cd-hitless': { config: 'sva-small', variant: 'cd-install-v-first' },
  // F2's consequence: the DMA domain's own DMA faults once the release has quiesced SSID 0.
  'private-dma-translates': { config: 'sva-small', variant: null },
  // F4: the seize's new ASID is what a concurrent unmap invalidates, while the SMMU still uses the old.
  'no-dma-through-stale-tlb': { config: 'sva-seize', variant: null },
  // F5: a get_attr that loads the old start and the new end of a 0/0 aperture being set.
  'msi-geometry-never-torn': { config: 'msi-geometry', variant: null },
  // A pinned ASID freed at a rollover and given to the next process (labelled mutation of context.c).
  'pinned-asid-stable': { config: 'sva-asid', variant: 'rollover-forgets-pinned' },
  // The seize's TLBI left out (labelled mutation): the domain's entries stay under the mm's ASID.
  'seized-asid-invalidated': { config: 'sva-seize', variant: 'share-asid-no-tlbi' },
  'asid-unique': { config: 'sva-seize', variant: 'share-asid-no-tlbi' },
  // One notifier per mm instead of per (domain, mm) (labelled mutation): the second SMMU's domain joins the first's notifier, whose invalidations go to the first SMMU only.
  'invalidation-reaches-every-smmu': { config: 'sva-two-smmus', variant: 'notifier-per-mm' },
  // F8: v5.13 refuses a master of another SMMU (-ENXIO) after it has detached it; the core keeps group->domain.
  'attached-to-group-domain': { config: 'sva-attach-two-smmus', variant: null },
  // HTTU: the writeback's invalidate_range returns before its CMD_SYNC (labelled mutation); a DMA through the cached writable translation after clear_page_dirty_for_io.
  'no-lost-dirty': { config: 'sva-httu', variant: 'httu-writeback-no-sync' },
  // 701fac40384f: the unbind after the exit writes the CD at INVALID_IOASID.
  'no-kernel-warning': { config: 'sva-small', variant: 'pasid-freed-at-mmput' },
  // A property of steps: mmget where iommu_sva_find has mmget_not_zero.
  'mm-users-not-revived': { config: 'iopf-small', variant: 'sva-find-mmget' },
  // Jacob Pan's inactive state (seed 001 review): one device's unbind makes the PASID unfindable for the other.
  'sva-find-serves-bound-device': { config: 'sva-pair', variant: 'ioasid-inactive-state', params: { dma: false } },
  // Liveness, each a lasso on the whole state graph, so at smaller bounds than the configs': a request
  // dropped without an answer; a lost wake-up; a PASID reference kept.
  'prg-answered': { config: 'iopf-small', variant: 'report-fault-void', params: { groups: 1, requests: 1, nextProcess: false } },
  'flush-returns': { config: 'iopf-small', variant: 'priq-drained-no-wake-up', params: { groups: 1, requests: 1, nextProcess: false } },
  'unbind-frees': { config: 'sva-small', variant: 'unbind-keeps-pasid', params: { binds: 1, dma: false, munmap: false } },
};
