// Flags and codes shared by the I/O page fault model (include/uapi/linux/iommu.h as of v5.13,
// fc36479db74e). Flag and permission bits keep the kernel's values (kernel-notes 1a.1, "Fault-flag
// legend"). The ids are in model/ids.ts.
import type { Pasid } from './ids.ts';

export const IOMMU_NO_PASID = 0 as Pasid;

// struct iommu_fault_page_request flags (seed 003; NEEDS_PASID added in v5.6, bit 3).
export const IOMMU_FAULT_PAGE_REQUEST_PASID_VALID = 1 << 0;
export const IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE = 1 << 1;
export const IOMMU_FAULT_PAGE_REQUEST_PRIV_DATA = 1 << 2;
export const IOMMU_FAULT_PAGE_RESPONSE_NEEDS_PASID = 1 << 3;

// struct iommu_fault_page_request perm.
export const IOMMU_FAULT_PERM_READ = 1 << 0;
export const IOMMU_FAULT_PERM_WRITE = 1 << 1;
export const IOMMU_FAULT_PERM_EXEC = 1 << 2;
export const IOMMU_FAULT_PERM_PRIV = 1 << 3;

// vm_flags of the stand-in VMAs.
export const VM_READ = 1 << 0;
export const VM_WRITE = 1 << 1;
export const VM_EXEC = 1 << 2;

/** enum iommu_page_response_code (seed 000): PCI PRI Success / Invalid Request / Response Failure. */
export const RESPONSE_CODES = ['SUCCESS', 'INVALID', 'FAILURE'] as const;
export type RespCode = (typeof RESPONSE_CODES)[number];

export const hasFlag = (flags: number, bit: number): boolean => (flags & bit) !== 0;
