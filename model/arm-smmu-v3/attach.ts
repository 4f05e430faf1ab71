// arm_smmu_attach_dev and arm_smmu_detach_dev, arm_smmu_domain_finalise_s1 and arm_smmu_domain_free
// (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c at 9936a12fcb18, v5.13-rc6), param `attach` only:
// the pieces of each lock section, for the IOMMU core's attach thread (model/sva/attach.ts).
// A master's STE is its `domain` (the CD table it points at; null: abort), written with
// master->domain in one step, as arm_smmu_install_ste_for_dev follows the pointer's write each time.
// Leaves out, and why: the STE's words and the order arm_smmu_write_strtab_ent writes them in (the
// STE is one value here, written with one CFGI_STE + CMD_SYNC: whether it aborts or which CD table
// it points at is all the model's translation reads), bypass STEs (disable_bypass), the -EINVAL of
// an SSID-bits mismatch (every master has the same), io-pgtable allocation failures (-ENOMEM of
// alloc_io_pgtable_ops), and nr_ats_masters (the model's ATC invalidation is sent to the masters
// with ats_enabled, which is what the count guards: arm_smmu_atc_inv_domain returns at 0).
import type { Asid, DeviceId, DomainId, SmmuId } from '../ids.ts';
import { arm_smmu_cmdq_issue_cmd, arm_smmu_cmdq_issue_sync } from './cmdq.ts';
import { EMPTY_CD, privateCd } from './init.ts';
import { arm_smmu_atc_inv_domain, arm_smmu_tlb_inv_asid } from './tlb.ts';
import { domainSmmu, masterSmmu, smmuDevice, type AttachState, type SmmuState } from './state.ts';

const attachOf = (d: SmmuState): AttachState => d.attach!;

/**
 * arm_smmu_master_sva_enabled (arm-smmu-v3-sva.c:452-460, under sva_lock): arm_smmu_attach_dev's
 * -EBUSY at arm-smmu-v3.c:2243-2246, "Checking that SVA is disabled ensures that this device isn't
 * bound to any mm, and can be safely detached from its old domain".
 */
export function arm_smmu_attach_dev_check(d: SmmuState, sid: DeviceId): 0 | '-EBUSY' {
  return d.masters[sid]!.sva_enabled ? '-EBUSY' : 0;
}

/**
 * arm_smmu_disable_ats (arm-smmu-v3.c:2140-2155): without ATS enabled nothing; else pci_disable_ats,
 * then arm_smmu_atc_inv_master (:1605-1618): one ATC_INV of SSID 0, size 0 (all) per stream, and
 * CMD_SYNC. That command has SSV clear, so the invalidation reaches every PASID's entries of the
 * master's ATC (arm_smmu_perform). Returns whether the caller has a sync to wait for.
 */
export function arm_smmu_disable_ats(d: SmmuState, sid: DeviceId, owner: number): boolean {
  const m = d.masters[sid]!;
  if (!m.ats_enabled) return false;
  m.ats_enabled = false;
  const q = smmuDevice(d, masterSmmu(d, sid));
  arm_smmu_cmdq_issue_cmd(q, { op: 'ATC_INV', sid, ssid: 0, page: -1 });
  arm_smmu_cmdq_issue_sync(q, owner);
  return true;
}

/** arm_smmu_detach_dev's devices_lock section (:2214-2216): list_del(&master->domain_head). */
export function arm_smmu_detach_list_del(d: SmmuState, sid: DeviceId): void {
  attachOf(d).listed[sid] = null;
}

/**
 * arm_smmu_install_ste_for_dev (:2084-2102) → arm_smmu_write_strtab_ent for the master's one
 * stream: the STE now points at master->domain's CD table, or aborts; CFGI_STE and CMD_SYNC.
 */
export function arm_smmu_install_ste_for_dev(d: SmmuState, sid: DeviceId, owner: number): void {
  const q = smmuDevice(d, masterSmmu(d, sid));
  arm_smmu_cmdq_issue_cmd(q, { op: 'CFGI_STE', sid });
  arm_smmu_cmdq_issue_sync(q, owner);
}

/**
 * arm_smmu_detach_dev after the list_del (:2218-2220): master->domain = NULL, master->ats_enabled =
 * false, arm_smmu_install_ste_for_dev (an abort STE).
 */
export function arm_smmu_detach_ste(d: SmmuState, sid: DeviceId, owner: number): void {
  const m = d.masters[sid]!;
  m.domain = null;
  m.ats_enabled = false;
  arm_smmu_install_ste_for_dev(d, sid, owner);
}

/**
 * arm_smmu_domain_finalise_s1's arm_smmu_asid_lock section (:1917-1950): xa_alloc(&arm_smmu_asid_xa,
 * XA_LIMIT(1, (1 << asid_bits) - 1)) takes the lowest free ASID (-EBUSY from xa_alloc when the
 * space is full: out_unlock), the CD table, and CD 0 by arm_smmu_write_ctx_desc. The domain has no
 * master on its list and no STE points at it ("the STE hasn't been installed yet", :1942-1945), so
 * the CD write's syncs find nothing to invalidate and nothing can fetch the CD: they are not waited
 * for here.
 */
export function arm_smmu_domain_finalise_s1(d: SmmuState, domain: DomainId, smmu: SmmuId): 0 | '-EBUSY' {
  const asid = d.asid_xa.findIndex((e, i) => i > 0 && e === null);
  if (asid < 0) return '-EBUSY';
  // smmu_domain->smmu = smmu before the finalise (:2253); its failure sets it back to NULL (:2256).
  const a = attachOf(d);
  if (a.smmu) a.smmu[domain] = smmu;
  d.asid_xa[asid] = { type: 'private', domain };
  const dom = d.domains[domain]!;
  dom.asid = asid as Asid;
  dom.cdtab[0] = privateCd(d.features, asid as Asid);
  attachOf(d).state[domain] = 'finalised';
  return 0;
}

/**
 * arm_smmu_attach_dev's check of a finalised domain (:2259-2265): "cannot attach to SMMU %s (upstream
 * of %s)", -ENXIO, when the domain was finalised for another SMMU than the master's. At 9936a12fcb18
 * it runs after arm_smmu_detach_dev (:2248), so the refused master is left detached.
 */
export function arm_smmu_attach_dev_smmu_check(d: SmmuState, sid: DeviceId, domain: DomainId): 0 | '-ENXIO' {
  return domainSmmu(d, domain) === masterSmmu(d, sid) ? 0 : '-ENXIO';
}

/**
 * arm_smmu_attach_dev after finalise (:2275-2280): master->domain = smmu_domain, master->ats_enabled =
 * arm_smmu_ats_supported (:2104-2117), arm_smmu_install_ste_for_dev. ats_enabled is the model's
 * PCI ATS enable as well, set by arm_smmu_enable_ats (`arm_smmu_attach_enable_ats`).
 */
export function arm_smmu_attach_ste(d: SmmuState, sid: DeviceId, domain: DomainId, owner: number): void {
  d.masters[sid]!.domain = domain;
  arm_smmu_install_ste_for_dev(d, sid, owner);
}

/** arm_smmu_ats_supported (:2104-2117): the SMMU's IDR0.ATS and the function's ATS capability. */
export const arm_smmu_ats_supported = (d: SmmuState, sid: DeviceId): boolean => d.features.ats && d.masters[sid]!.ats_capable;

/**
 * arm_smmu_attach_dev's devices_lock section (:2282-2284): list_add; then arm_smmu_enable_ats
 * (:2119-2138) up to pci_enable_ats: atomic_inc(&nr_ats_masters), arm_smmu_atc_inv_domain(domain, 0,
 * 0, 0). Returns whether ATS is being enabled (the caller waits for that invalidation's sync).
 */
export function arm_smmu_attach_list_add(d: SmmuState, sid: DeviceId, domain: DomainId, owner: number): boolean {
  attachOf(d).listed[sid] = domain;
  if (!arm_smmu_ats_supported(d, sid)) return false;
  arm_smmu_atc_inv_domain(d, domain, 0, -1, owner);
  return true;
}

/** arm_smmu_enable_ats's pci_enable_ats (:2136): the endpoint may send ATS requests. */
export function arm_smmu_attach_enable_ats(d: SmmuState, sid: DeviceId): void {
  d.masters[sid]!.ats_enabled = true;
}

/**
 * arm_smmu_domain_free (:1878-1903) up to its asid_lock section: free_io_pgtable_ops (:1884) calls
 * io_pgtable_tlb_flush_all → arm_smmu_tlb_inv_context (:1667-1689): arm_smmu_tlb_inv_asid of the
 * private ASID (TLBI + CMD_SYNC, :1681) and arm_smmu_atc_inv_domain (:1688; no master is left).
 */
export function arm_smmu_domain_free_tlb_inv(d: SmmuState, domain: DomainId, owner: number): void {
  const asid = d.domains[domain]!.asid;
  arm_smmu_tlb_inv_asid(d, domainSmmu(d, domain), asid, owner);
  arm_smmu_atc_inv_domain(d, domain, 0, -1, owner);
}

/**
 * arm_smmu_domain_free's arm_smmu_asid_lock section (:1891-1895): arm_smmu_free_cd_tables and
 * arm_smmu_free_asid (xa_erase of the private ASID), then kfree(smmu_domain) (:1902). A domain never
 * finalised has no CD table and ASID 0, whose xa_erase finds nothing.
 */
export function arm_smmu_domain_free_asid(d: SmmuState, domain: DomainId): void {
  const dom = d.domains[domain]!;
  const e = d.asid_xa[dom.asid];
  if (dom.asid > 0 && e?.type === 'private' && e.domain === domain) d.asid_xa[dom.asid] = null;
  dom.asid = 0 as Asid;
  dom.cdtab = dom.cdtab.map(() => ({ ...EMPTY_CD }));
  dom.iovas = dom.iovas.map(() => 'free' as const);
  attachOf(d).state[domain] = 'freed';
}
