// An event a step emits, printed as seed 001's log prints it (model/sva/trace-log.ts reads the same
// format back), for `render --format ftrace`: model ids become concrete names (device i is PCI
// function 0000:00:0(3+i).0, page p of a PASID's address space is the page at 0xffffb9d10000 + p
// pages, a PASID and a PRG index print as their values).
import type { EmittedEvent, EmittedField } from '../../explorer/trace-validate/events.ts';
import { PAGE_SHIFT } from './trace-log.ts';

const BASE = 0xffffb9d10000n;

const id = (f: EmittedField | undefined): number => (f === undefined ? 0 : f.kind === 'value' ? Number(f.value) : Number(f.id));
const deviceName = (f: EmittedField | undefined): string => `0000:00:${(3 + id(f)).toString(16).padStart(2, '0')}.0`;
const address = (page: number): string => `0x${(BASE + (BigInt(page) << BigInt(PAGE_SHIFT))).toString(16).padStart(16, '0')}`;

export function printSvaEvent(e: EmittedEvent): string {
  const f = e.fields;
  switch (e.event) {
    case 'smmu_bind_alloc':
    case 'smmu_unbind_free':
      return `dev=${deviceName(f['dev'])} pasid=${id(f['pasid'])}`;
    case 'smmu_mm_release':
      return `pasid=${id(f['pasid'])}`;
    case 'smmu_mm_invalidate':
      return `pasid=${id(f['pasid'])} start=${address(id(f['range']))} end=${address(id(f['range']) + 1)}`;
    case 'dev_fault':
      return `IOMMU:${deviceName(f['dev'])} type=${id(f['type'])} reason=${id(f['reason'])} addr=${address(id(f['addr']))} pasid=${id(f['pasid'])} group=${id(f['group'])} flags=${id(f['flags']).toString(16)} prot=${id(f['prot'])}`;
    case 'dev_page_response':
      return `IOMMU:${deviceName(f['dev'])} code=${id(f['code'])} pasid=${id(f['pasid'])} group=${id(f['group'])}`;
    default:
      return Object.entries(f).map(([k, v]) => `${k}=${id(v)}`).join(' ');
  }
}
