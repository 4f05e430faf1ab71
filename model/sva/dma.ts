// The endpoint's DMA without a PASID, through its DMA domain's private CD at SSID 0, at any time; and
// its DMA on its PASID (smmu configs with `dma`), PCIe ATS as the SMMU serves it
// (model/arm-smmu-v3/tlb.ts): a Translation Request fills the device's ATC from the SMMU's TLB or a
// table walk; a translated access uses the ATC alone; an untranslated access goes through the SMMU.
// Any access may find the CD invalid or illegal (C_BAD_CD, recorded by the SMMU). The device does
// DMA between the bind (the driver programs the PASID) and the driver's stop.
// Ghosts: a DMA that used a translation of a page whose frame is freed (PTE none) sets
// ghost.dmaToFreedPage; an aborted DMA without a PASID sets ghost.privateDmaAborted. Left out: a translation fault's own report (the device's page requests,
// pci_page_request, stand for what a PRI device does after a failed translation), and stall faults
// of untranslated accesses (the SMMU's event queue: the model's fault path is PRI).
import type { Draft } from 'immer';
import { arm_smmu_ats_translate, arm_smmu_translate, arm_smmu_translate_iova, arm_smmu_translate_private, atc_lookup, private_dma_result } from '../arm-smmu-v3/tlb.ts';
import type { Access } from '../mm/pgtable.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import type { DeviceId, MmId } from '../ids.ts';
import { step, type AnyStep } from '../../explorer/model.ts';
import { nrPages } from './config.ts';
import { seen_dirty } from '../mm/page-writeback.ts';
import { svaView } from './view.ts';
import { attachHoldsGroup } from './attach.ts';

const dmaOn = (s: State, dev: number): boolean => s.devices[dev]!.pasid !== 0 && !s.devices[dev]!.dma_stopped;
const accessOf = (c: IopfParams, page: number): Access => (c.vmas[page] === 'rw' ? 'w' : 'r');

/**
 * The page a DMA reached through a translation of `mm`: freed frames are a ghost violation; with
 * `httu`, so is a write the kernel does not see dirty (a cached writable translation outliving
 * page_mkclean's clean: model/mm/page-writeback.ts).
 */
function used(d: Draft<State>, mm: MmId, page: number, access: Access): void {
  const p = d.mms[mm]?.pages[page];
  if (!p || p.pte === 'none' || d.mms[mm]!.count === 0) d.ghost.dmaToFreedPage = true;
  if (d.httu && access === 'w' && p && !seen_dirty(d.httu, d.mms[mm]!, mm, page)) d.httu.lost_dirty = true;
}

/**
 * The DMA domain's DMA to its IOVA pages (the `iovas` bound), at any time: through SSID 0's CD, the
 * TLB by its ASID, the io-pgtable on a miss. A DMA that hits a stale entry sets ghost.dmaStaleTlb.
 */
export function iovaDmaSteps(c: IopfParams): AnyStep<State>[] {
  if (c.iovas === 0) return [];
  const iovas = Array.from({ length: c.iovas }, (_, i) => i);
  return [
    step<State, number>({
      name: 'dma_iova',
      doc: "the DMA domain's own DMA to an IOVA page (no PASID): the SMMU fetches CD 0 (and may cache it), looks the TLB up by its ASID and walks the private io-pgtable on a miss",
      source: 'hardware (SMMUv3: CD 0 for a transaction without a SubstreamID, TLB tagged by the CD\'s ASID)',
      locks: 'none (the endpoint and the SMMU)',
      // The driver quiesces its DMA while the core moves the master (model/sva/attach.ts).
      choices: (s, self) => (attachHoldsGroup(s, self) ? [] : iovas),
      apply: (d, self, iova) => {
        if (arm_smmu_translate_iova(d.arm_smmu, self as DeviceId, iova) === 'stale') d.ghost.dmaStaleTlb = true;
      },
      showChoice: (i) => `iova ${i}`,
    }),
  ];
}

export function dmaSteps(c: IopfParams): AnyStep<State>[] {
  const pages = Array.from({ length: nrPages(c) }, (_, i) => i);
  return [
    step<State>({
      name: 'dma_private',
      doc: "the DMA domain's own DMA (no PASID): an untranslated transaction through the private CD at SSID 0; EPD0 or a foreign table there aborts it (F_TRANSLATION), as does an invalid CD (C_BAD_CD)",
      source: 'hardware (SMMUv3 spec 3.4: a transaction without a SubstreamID uses CD 0 when S1DSS = 0b00)',
      locks: 'none (the endpoint and the SMMU)',
      // A DMA that succeeds changes nothing: offered only when it aborts, so that a device always
      // able to DMA does not hide a stall from the deadlock check.
      enabled: (s, self) => {
        if (attachHoldsGroup(s, self)) return false;
        const r = private_dma_result(s.arm_smmu, self as DeviceId);
        return r !== 'ok' && !(s.ghost.privateDmaAborted && (r === 'fault' || s.arm_smmu.events.includes('C_BAD_CD')));
      },
      apply: (d, self) => {
        if (arm_smmu_translate_private(d.arm_smmu, self as DeviceId) !== 'ok') d.ghost.privateDmaAborted = true;
      },
    }),
    step<State, number>({
      name: 'ats_translation_request',
      doc: 'PCIe ATS Translation Request for (PASID, page): the SMMU answers from its TLB or a walk of the CD\'s table; the ATC keeps a success',
      source: 'hardware',
      locks: 'none (the endpoint and the SMMU)',
      choices: (s, self) => (dmaOn(s, self) && s.arm_smmu.masters[self]!.ats_enabled ? pages : []),
      apply: (d, self, page) => {
        const r = arm_smmu_ats_translate(svaView(d), self as DeviceId, d.devices[self]!.pasid, page, accessOf(c, page));
        if (r !== 'UR' && r.result === 'foreign') d.ghost.dmaStaleTlb = true;
      },
      showChoice: (p) => `page ${p}`,
    }),
    step<State, number>({
      name: 'dma_translated',
      doc: 'a translated DMA: the device uses its ATC entry for (PASID, page) without asking the SMMU',
      source: 'hardware',
      locks: 'none (the endpoint)',
      choices: (s, self) => (dmaOn(s, self) ? pages.filter((p) => atc_lookup(s.arm_smmu, self as DeviceId, s.devices[self]!.pasid, p) !== null) : []),
      apply: (d, self, page) => {
        const mm = atc_lookup(d.arm_smmu, self as DeviceId, d.devices[self]!.pasid, page);
        if (mm !== null) used(d, mm, page, accessOf(c, page));
      },
      showChoice: (p) => `page ${p}`,
    }),
    step<State, number>({
      name: 'dma_untranslated',
      doc: 'an untranslated DMA: the SMMU fetches the CD, looks the TLB up (tagged by ASID) and walks the table on a miss',
      source: 'hardware',
      locks: 'none (the SMMU)',
      choices: (s, self) => (dmaOn(s, self) ? pages : []),
      apply: (d, self, page) => {
        const r = arm_smmu_translate(svaView(d), self as DeviceId, d.devices[self]!.pasid, page, accessOf(c, page));
        if (r.result === 'ok') used(d, r.mm, page, accessOf(c, page));
        if (r.result === 'foreign') d.ghost.dmaStaleTlb = true;
      },
      showChoice: (p) => `page ${p}`,
    }),
  ];
}
