// Every branded id of the model, declared once. Ids are small integers with a brand, so a DeviceId
// cannot be passed where a Pasid is meant; the brand is a type only (nothing of it is in the state
// or its encoding). Slices, the fault path, spec/ and test/ all import their ids from here.

/** A device: the PCIe endpoint, its dev_iommu, and the SMMU master (its StreamID). */
export type DeviceId = number & { readonly __brand: 'DeviceId' };
/** A PASID value; 0 is IOMMU_NO_PASID (a request without a PASID TLP prefix). */
export type Pasid = number & { readonly __brand: 'Pasid' };
/** An IOASID (drivers/iommu/ioasid.c): PASIDs are IOASIDs of the iommu_sva_pasid set, so the same type. */
export type Ioasid = Pasid;
/** A PCIe Page Request Group Index. */
export type GrpId = number & { readonly __brand: 'GrpId' };
/** An mm_struct. */
export type MmId = number & { readonly __brand: 'MmId' };
/** An ASID (arm64 context.id, the SMMU's asid_xa index). */
export type Asid = number & { readonly __brand: 'Asid' };
/** An arm64 mm->context.id: the kernel's u64 `generation << asid_bits | asid` (arch/arm64/mm/context.c). */
export type ContextId = number & { readonly __brand: 'ContextId' };
/** A struct mmu_notifier (the SMMU's arm_smmu_mmu_notifier and its subscription on the mm). */
export type NotifierId = number & { readonly __brand: 'NotifierId' };
/** An iommu_domain of the SMMU (struct arm_smmu_domain). */
export type DomainId = number & { readonly __brand: 'DomainId' };
/** An SMMU (struct arm_smmu_device): the hardware behind its masters, with its own TLB and command queue. */
export type SmmuId = number & { readonly __brand: 'SmmuId' };
/** A worker of the iopf workqueue. */
export type WorkerId = number & { readonly __brand: 'WorkerId' };
/**
 * Ghost: the position of a page request group in its device's issue order. The kernel never sees
 * it; the model uses it to tell which group a response was really meant for when grpids are reused.
 */
export type PrgSeq = number & { readonly __brand: 'PrgSeq' };

export const asDevice = (n: number): DeviceId => n as DeviceId;
export const asPasid = (n: number): Pasid => n as Pasid;
export const asGrpId = (n: number): GrpId => n as GrpId;
export const asMm = (n: number): MmId => n as MmId;
export const asSeq = (n: number): PrgSeq => n as PrgSeq;
