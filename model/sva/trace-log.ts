// The event log of seed 001's traces (review message #28: Jean-Philippe Brucker's SMMU-model test):
// the SMMU driver's tracepoints of the SVA development tree (`smmu_bind_alloc`, `smmu_mm_invalidate`,
// `smmu_mm_release`, `smmu_unbind_free`) and Jacob Pan's proposed `dev_fault` / `dev_page_response`
// (never merged; kernel-notes Part 3 quotes their formats). One line per event, as the seed quotes
// them; `dev_fault` may carry the later revision's `fetch=` field, which the model does not compare.
//
// How a line is compared (model/sva/tracepoints.ts emits the same fields):
//   dev       a device name, paired with a model device;
//   pasid     a PASID value (0: a request without PASID), paired with a model PASID;
//   addr      the page (addr >> 12) of the PASID's address space, paired with a model page of it;
//   start/end an invalidated range [start, end): the model's munmap page is one page of it;
//   group     a PRG index of the device, paired until its response (the index is then free);
//   flags     PASID_VALID | LAST_PAGE only (PRIV_DATA and NEEDS_PASID are the device's, not the fault's);
//   type, reason, prot, code  as printed.
import { spanMember, value, type LoggedEvent, type LoggedField } from '../../explorer/trace-validate/events.ts';
import { IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE, IOMMU_FAULT_PAGE_REQUEST_PASID_VALID } from '../types.ts';

export const PAGE_SHIFT = 12;
/** The flags a dev_fault line is compared on. */
export const FAULT_FLAGS = IOMMU_FAULT_PAGE_REQUEST_PASID_VALID | IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE;

export type SvaLogEvent =
  | { readonly event: 'smmu_bind_alloc'; readonly dev: string; readonly pasid: number }
  | { readonly event: 'smmu_unbind_free'; readonly dev: string; readonly pasid: number }
  | { readonly event: 'smmu_mm_release'; readonly pasid: number }
  | { readonly event: 'smmu_mm_invalidate'; readonly pasid: number; readonly start: bigint; readonly end: bigint }
  | {
      readonly event: 'dev_fault';
      readonly dev: string;
      readonly type: number;
      readonly reason: number;
      readonly addr: bigint;
      readonly pasid: number;
      readonly group: number;
      readonly flags: number;
      readonly prot: number;
    }
  | { readonly event: 'dev_page_response'; readonly dev: string; readonly code: number; readonly pasid: number; readonly group: number };

const N = '(\\d+)';
const HEX = '0x([0-9a-fA-F]+)';
const NAME = '(\\S+)';

/** Each event's line after `name: `, as the tracepoint's TP_printk writes it. */
const FORMATS = {
  smmu_bind_alloc: { re: new RegExp(`^dev=${NAME} pasid=${N}$`), shape: 'dev=NAME pasid=N' },
  smmu_unbind_free: { re: new RegExp(`^dev=${NAME} pasid=${N}$`), shape: 'dev=NAME pasid=N' },
  smmu_mm_release: { re: new RegExp(`^pasid=${N}$`), shape: 'pasid=N' },
  smmu_mm_invalidate: { re: new RegExp(`^pasid=${N} start=${HEX} end=${HEX}$`), shape: 'pasid=N start=0xADDR end=0xADDR' },
  dev_fault: {
    re: new RegExp(`^IOMMU:${NAME} type=${N} reason=${N} addr=${HEX}(?: fetch=0x[0-9a-fA-F]+)? pasid=${N} group=${N} flags=([0-9a-fA-F]+) prot=${N}$`),
    shape: 'IOMMU:NAME type=N reason=N addr=0xADDR pasid=N group=N flags=HEX prot=N',
  },
  dev_page_response: { re: new RegExp(`^IOMMU:${NAME} code=${N} pasid=${N} group=${N}$`), shape: 'IOMMU:NAME code=N pasid=N group=N' },
} as const;

type EventName = keyof typeof FORMATS;

const isEventName = (s: string): s is EventName => Object.hasOwn(FORMATS, s);

export function parseSvaLine(line: string): { event: SvaLogEvent } | { error: string } {
  const colon = line.indexOf(': ');
  const name = colon < 0 ? line : line.slice(0, colon);
  if (!isEventName(name)) return { error: `unknown event '${name.slice(0, 40)}' (known: ${Object.keys(FORMATS).join(', ')})` };
  const m = FORMATS[name].re.exec(colon < 0 ? '' : line.slice(colon + 2));
  if (!m) return { error: `${name} expects '${FORMATS[name].shape}'` };
  const g = (i: number): string => m[i]!;
  const n = (i: number): number => Number(g(i));
  switch (name) {
    case 'smmu_bind_alloc':
    case 'smmu_unbind_free':
      return { event: { event: name, dev: g(1), pasid: n(2) } };
    case 'smmu_mm_release':
      return { event: { event: name, pasid: n(1) } };
    case 'smmu_mm_invalidate': {
      const start = BigInt(`0x${g(2)}`);
      const end = BigInt(`0x${g(3)}`);
      if (end <= start) return { error: `an empty range: end 0x${g(3)} is not above start 0x${g(2)}` };
      return { event: { event: name, pasid: n(1), start, end } };
    }
    case 'dev_fault':
      return {
        event: { event: name, dev: g(1), type: n(2), reason: n(3), addr: BigInt(`0x${g(4)}`), pasid: n(5), group: n(6), flags: Number.parseInt(g(7), 16), prot: n(8) },
      };
    case 'dev_page_response':
      return { event: { event: name, dev: g(1), code: n(2), pasid: n(3), group: n(4) } };
  }
}

/** The page of an address, as a number (user addresses are below 2^52, pages well within a double). */
export const pageOf = (addr: bigint): number => Number(addr >> BigInt(PAGE_SHIFT));
const pageEnd = (end: bigint): number => Number((end + BigInt((1 << PAGE_SHIFT) - 1)) >> BigInt(PAGE_SHIFT));

const device = (dev: string): LoggedField => ({ kind: 'name', sort: 'device', name: dev });
/** PASID 0 is IOMMU_NO_PASID: a value, not an identity. */
const pasidField = (pasid: number): LoggedField => (pasid === 0 ? value(0) : { kind: 'name', sort: 'pasid', name: String(pasid) });
const pasidOwner = (pasid: number) => (pasid === 0 ? {} : { owner: { sort: 'pasid', name: String(pasid) } });

export function loggedSvaEvent(e: SvaLogEvent): LoggedEvent {
  switch (e.event) {
    case 'smmu_bind_alloc':
    case 'smmu_unbind_free':
      return { event: e.event, fields: { dev: device(e.dev), pasid: pasidField(e.pasid) } };
    case 'smmu_mm_release':
      return { event: e.event, fields: { pasid: pasidField(e.pasid) } };
    case 'smmu_mm_invalidate':
      return {
        event: e.event,
        fields: { pasid: pasidField(e.pasid), range: { kind: 'span', sort: 'page', lo: pageOf(e.start), hi: pageEnd(e.end), ...pasidOwner(e.pasid) } },
      };
    case 'dev_fault':
      return {
        event: e.event,
        fields: {
          dev: device(e.dev),
          type: value(e.type),
          reason: value(e.reason),
          addr: { kind: 'name', sort: 'page', name: spanMember(pageOf(e.addr)), ...pasidOwner(e.pasid) },
          pasid: pasidField(e.pasid),
          group: { kind: 'name', sort: 'group', name: String(e.group), owner: { sort: 'device', name: e.dev } },
          flags: value(e.flags & FAULT_FLAGS),
          prot: value(e.prot),
        },
      };
    case 'dev_page_response':
      return {
        event: e.event,
        fields: {
          dev: device(e.dev),
          code: value(e.code),
          pasid: pasidField(e.pasid),
          group: { kind: 'name', sort: 'group', name: String(e.group), owner: { sort: 'device', name: e.dev } },
        },
      };
  }
}
