// The bounds of the I/O page fault model, validated by zod. Defaults are the `iopf-small` config
// (1 device, 1 PASID, 2 groups of up to 2 requests, 1 worker, Q = 2). Each range is what the codec
// and the explorer can hold; a bound outside it is rejected with its path.
import { z } from 'zod';
import { msiParams } from './msi-iommu/model.ts';

export const iopfParams = z
  .object({
    /** Endpoints, each with its own device driver, fault data and partial list. */
    devices: z.number().int().min(1).max(3).default(1),
    /** PASID values the allocator hands out (1..pasids); also the number of processes (mms) bound. */
    pasids: z.number().int().min(1).max(3).default(1),
    /** Page request groups each device issues over the whole run (its PRI budget). */
    groups: z.number().int().min(1).max(4).default(2),
    /** Requests per page request group, at most (F); the last one carries LAST_PAGE. */
    requests: z.number().int().min(1).max(3).default(2),
    /** Capacity of the hardware page request queue (Q). */
    queue: z.number().int().min(1).max(4).default(2),
    /** iopf workqueue workers (W): the workqueue is WQ_UNBOUND and unordered. */
    workers: z.number().int().min(1).max(3).default(1),
    /**
     * How many kinds of access (page, permission) a request may carry: the first `accesses` pages of
     * `vmas`. The default, 1, is iopf-small's: a handled write.
     */
    accesses: z.number().int().min(1).max(3).default(1),
    /**
     * The VMA of each page of every modelled mm (model/sva/pasid.ts accessTable): a request for page
     * p writes it, or reads it where no VMA is. The default offers three accesses: handled, access
     * fault, no VMA.
     */
    vmas: z.array(z.enum(['none', 'r', 'rw'])).min(1).max(3).default(['rw', 'r', 'none']),
    /**
     * The device may also read every page of the access table that has a VMA (a read fault the
     * worker handles). Off (absent), a request writes where a VMA is and reads only where none is.
     * No default, so that the configs and counterexamples recorded before it keep their params.
     */
    reads: z.boolean().optional(),
    /**
     * Interchangeable parts the search keeps one arrangement of (symmetry reduction, model/symmetry/symmetry.ts):
     * 'workers', the iopf workqueue's; 'devices', the devices (with the mms they bind where the
     * fixed rule binds them); 'mms', the SMMU side's processes; 'pages', the pages of every mm, where
     * they are alike. Liveness is then not checked. No default, so that the configs and
     * counterexamples recorded before it keep their params.
     */
    symmetry: z.array(z.enum(['workers', 'devices', 'mms', 'pages'])).max(4).optional(),
    /** Devices may also issue page requests without a PASID (on the RID), before and after IOPF is enabled. */
    ridRequests: z.boolean().default(true),
    /** kzalloc/kmemdup in the report path may fail (-ENOMEM), as a nondeterministic choice. */
    allocFailures: z.boolean().default(true),
    /**
     * How a device completes a PASID stop (seed 001, Stop Marker comment): 'wait' for every
     * outstanding page request group of the PASID to be answered, or post a Stop 'marker'.
     */
    pasidStop: z.enum(['wait', 'marker']).default('marker'),
    /** A next process may be given a freed PASID (the one a stale fault would hit). */
    nextProcess: z.boolean().default(true),
    /**
     * The arm-smmu-v3 SVA side (model/sva/): sva_lock, bonds, notifiers, shared CDs, the command
     * queue, TLB and ATC, exit_mmap's release, the SRCU free. Off: bind is iommu_sva_alloc_pasid
     * alone (plus the mm_count the notifier would take), which is all the fault path needs.
     */
    smmu: z.boolean().default(false),
    /** mms a driver may bind (a choice at bind); 0: the fixed rule, device d binds mm d % pasids. */
    mms: z.number().int().min(0).max(2).default(0),
    /** iommu_sva_bind_device calls per driver on the same (device, mm): 2 checks the shared handle. */
    binds: z.number().int().min(1).max(2).default(1),
    /** The device's DMA: ATS translation requests, translated and untranslated accesses (smmu only). */
    dma: z.boolean().default(false),
    /** The owner may fault pages in from the CPU and munmap them (invalidate_range; smmu only). */
    munmap: z.boolean().default(false),
    /** The owning process may exit at any point (do_exit → mmput → exit_mmap). */
    exit: z.boolean().default(true),
    /** SMMU IDR and PCI capabilities (smmu only): COHACC, BTM, ATS, STALL_FORCE, the function's ATS. */
    coherency: z.boolean().default(true),
    btm: z.boolean().default(false),
    ats: z.boolean().default(true),
    stallForce: z.boolean().default(false),
    /**
     * The SMMU's event queue as the fault path of platform devices (model/arm-smmu-v3/evtq.ts): each
     * device is an SMMU master probed and released by its driver, found by StreamID through the
     * SID->master tree; a stall master's faulting transaction stalls and is reported from the event
     * queue, and its page response is a CMD_RESUME; other masters' faults are records. Off: the PRI
     * queue (its stand-in for the stall model too). Needs `smmu` off. No default, so that the configs
     * and counterexamples recorded before it keep their params.
     */
    evtq: z.boolean().optional(),
    /** With `evtq`: each device's StreamID (fwspec->ids[0]); absent, device d has StreamID d. */
    streamIds: z.array(z.number().int().min(0).max(2)).min(1).max(3).optional(),
    /** With `evtq`: each device's firmware "dma-can-stall" property; absent, every device can stall. */
    dmaCanStall: z.array(z.boolean()).min(1).max(3).optional(),
    /**
     * arm64 ASID allocator (model/mm/context.ts): asid_bits of the CPU and the SMMU (ASIDs
     * 1..2^bits-1 for both, so the SMMU's private ASIDs and the CPU's collide), the CPUs that switch
     * between the modelled processes (0: none; the allocator then serves arm64_mm_context_get alone,
     * with one possible CPU), processes outside the model that each run once on a CPU and use up an
     * ASID, and the last ASID generation a run may reach (a step rolling over past it is not offered).
     */
    asidBits: z.number().int().min(2).max(4).default(3),
    /**
     * IOVA pages of the DMA domain's private io-pgtable: a DMA-API thread maps and unmaps them
     * (iommu_map, iommu_unmap with its TLB invalidation) and each device DMAs to them through SSID 0.
     * 0: the private DMA depends on the CD alone.
     */
    iovas: z.number().int().min(0).max(2).default(0),
    cpus: z.number().int().min(0).max(2).default(0),
    otherProcesses: z.number().int().min(0).max(4).default(0),
    asidGenerations: z.number().int().min(1).max(4).default(2),
    /**
     * HTTU (seed 001, "iommu/arm-smmu-v3: Add support for Hardware Translation Table Update": CD.HA and
     * CD.HD set when the SMMU and the CPUs support them): the SMMU's DMA writes go through the shared
     * page table's hardware dirty state, and the model keeps that state (model/mm/page-writeback.ts):
     * each PTE write-protected clean or writable dirty, each page's PG_dirty, and a writeback thread
     * per mm (page_mkclean, mm/rmap.c) racing with the device's writes through its TLB and ATC.
     * Off (absent), no step reads it. No default, so the configs and counterexamples recorded before
     * it keep their params.
     */
    httu: z.boolean().optional(),
    /**
     * VHE (seed 001, "iommu/arm-smmu-v3: Add support for VHE", 9111aebf770d in v5.13): the kernel runs
     * at EL2 (ARM64_HAS_VIRT_HOST_EXTN), so the CPU's broadcast TLBIs are EL2&0 invalidations, and with
     * the SMMU's IDR0.HYP (`hyp`) arm_smmu_device_hw_probe sets ARM_SMMU_FEAT_E2H: every S1 STE gets
     * STRW = EL2 (E2H) and the driver's TLBIs are the EL2 ones. smmu only. Off (absent), everything is
     * EL1 (STRW = NSEL1, TLBI_NH_*). No default, so the configs and counterexamples recorded before it
     * keep their params.
     */
    vhe: z.boolean().optional(),
    /**
     * With `vhe`: the SMMU's IDR0.HYP; absent, true. Without it the SMMU cannot be E2H: its STEs keep
     * STRW = NSEL1 and its TLBIs the NH ones, which a VHE kernel's broadcast TLBIs (EL2&0) do not
     * match, so seed 001's "Enable broadcast TLB maintenance" leaves ARM_SMMU_FEAT_BTM off then.
     */
    hyp: z.boolean().optional(),
    /**
     * SMMUs (smmu only): device d sits behind SMMU d % smmus, in that SMMU's one domain (domain k on
     * SMMU k), so devices behind different SMMUs are in different domains, each with its own CD
     * table, notifiers, TLB and command queue (model/sva/config.ts). Absent: 1. No default, so that
     * the configs and counterexamples recorded before it keep their params.
     */
    smmus: z.number().int().min(1).max(2).optional(),
    /**
     * Attach and detach (smmu only): one more DMA domain after the SMMUs' own, allocated and not yet
     * finalised (its SMMU is the first master's to attach to it), and an IOMMU-core thread per master
     * that moves it there with arm_smmu_attach_dev and back, and frees that domain once no master is
     * in it (model/sva/attach.ts). Absent: every master stays in its domain. No default, so the
     * configs and counterexamples recorded before it keep their params.
     */
    attach: z.boolean().optional(),
    /** How the SMMU consumes its command queue: any order up to a CMD_SYNC (faithful) or FIFO. */
    cmdq: z.enum(['any', 'fifo']).default('any'),
    /**
     * The DMA domain's MSI geometry (seed 002, model/msi-iommu), set by the MSI API's user while an
     * iommu_domain_get_attr caller reads it, with the bounds of model `msi`; null: left out.
     */
    msi: msiParams.nullable().default(null),
  })
  .strict();

export type IopfParams = z.output<typeof iopfParams>;

export const defaultParams: IopfParams = iopfParams.parse({});
