// The SMMU command queue (arm_smmu_cmdq_issue_cmdlist, v5.11): threads append commands and a
// CMD_SYNC, then wait for that sync. The SMMU performs commands in any order up to the first
// CMD_SYNC, and a CMD_SYNC completes only once everything before it has been performed (SMMUv3
// architecture, "CMD_SYNC"): so an invalidation takes effect at some point between its issue and
// the completion of the sync after it, which is exactly what `arm_smmu_cmdq_consume` offers.
// Each SMMU has its own queue and performs its own commands (`SmmuDevice`, the `smmu` argument): a
// thread that waits for its syncs waits for them on every SMMU it issued to.
// Leaves out: queue wrap and the lock-free cmdq protocol (a full queue just blocks the issuer: the
// composition's guard `cmdq_space`), MSI/SEV completion (only *that* the sync completed matters).
import type { SmmuId } from '../ids.ts';
import { arm_smmu_strw, smmuDevice, tlbiRegime, type Cmd, type SmmuDevice, type SmmuState } from './state.ts';

/** How many entries a thread may still append (arm_smmu_cmdq_poll_until_not_full). */
export function cmdq_space(q: SmmuDevice, size: number): number {
  return size - q.cmdq.length;
}

/** arm_smmu_cmdq_issue_cmd(smmu, ent): `q` is that SMMU's (smmuDevice). */
export function arm_smmu_cmdq_issue_cmd(q: SmmuDevice, cmd: Cmd): void {
  q.cmdq.push(cmd);
}

/** arm_smmu_cmdq_issue_sync(smmu): append a CMD_SYNC the thread `owner` will wait for. */
export function arm_smmu_cmdq_issue_sync(q: SmmuDevice, owner: number): void {
  q.cmdq.push({ op: 'CMD_SYNC', owner });
}

const ownSync = (q: SmmuDevice, owner: number): boolean => q.cmdq.some((c) => c.op === 'CMD_SYNC' && c.owner === owner);

/** The thread's wait is over: none of its CMD_SYNCs is left in any SMMU's queue. */
export function cmdq_sync_done(s: SmmuState, owner: number): boolean {
  if (ownSync(s, owner)) return false;
  return !(s.smmus?.some((q) => ownSync(q, owner)) ?? false);
}

/** Indices SMMU `smmu` may perform next: any command before the first CMD_SYNC, else that sync. */
export function cmdq_consumable(s: SmmuState, smmu: SmmuId): number[] {
  const q = smmuDevice(s, smmu).cmdq;
  const firstSync = q.findIndex((c) => c.op === 'CMD_SYNC');
  if (firstSync === 0) return [0];
  const n = firstSync < 0 ? q.length : firstSync;
  return Array.from({ length: n }, (_, i) => i);
}

/** FIFO restriction of `cmdq_consumable` (a smaller state space; hides reordering bugs). */
export function cmdq_consumable_fifo(s: SmmuState, smmu: SmmuId): number[] {
  return smmuDevice(s, smmu).cmdq.length > 0 ? [0] : [];
}

/** SMMU `smmu` performs the command at `index` of its queue (one of `cmdq_consumable`). */
export function arm_smmu_cmdq_consume(d: SmmuState, smmu: SmmuId, index: number): void {
  const q = smmuDevice(d, smmu);
  const [cmd] = q.cmdq.splice(index, 1);
  if (cmd) arm_smmu_perform(d, q, cmd);
}

// A switch, not a match: this runs for every command of every explored state (a match cost 2% of a
// search); `satisfies never` still breaks the build on a new command.
// CFGI_CD and ATC_INV name a master by StreamID: only its own SMMU is sent them (the callers issue
// to the domain's SMMU), so they act on the per-master configuration cache and ATC.
function arm_smmu_perform(d: SmmuState, q: SmmuDevice, cmd: Cmd): void {
  switch (cmd.op) {
    case 'CFGI_CD': {
      const row = d.cdcache[cmd.sid];
      if (row) row[cmd.ssid] = null;
      return;
    }
    // The model's SMMU caches a stream's CDs under its STE: an STE invalidation drops them all (as
    // QEMU's smmuv3 does, smmuv3_flush_config), so a master moved to another CD table re-fetches.
    case 'CFGI_STE': {
      d.cdcache[cmd.sid]?.fill(null);
      if (d.attach) d.attach.ste_cached[cmd.sid] = null;
      return;
    }
    // An invalidation of another regime than the streams' STRW matches no entry.
    case 'TLBI_NH_ASID':
    case 'TLBI_EL2_ASID': {
      const row = q.tlb[cmd.asid];
      if (row && tlbiRegime(cmd.op) === arm_smmu_strw(d.features)) row.fill(null);
      return;
    }
    case 'TLBI_NH_VA':
    case 'TLBI_EL2_VA': {
      if (tlbiRegime(cmd.op) !== arm_smmu_strw(d.features)) return;
      const row = q.tlb[cmd.asid];
      if (row && cmd.page < row.length) row[cmd.page] = null;
      return;
    }
    // An ATC_INV of SSID 0 has SSV clear (arm_smmu_atc_inv_to_cmd: .substream_valid = !!ssid), and the
    // PCIe invalidation is then sent without a PASID prefix: "all ATC entries within the address range
    // are invalidated, including those that were requested with a PASID!" (the comment in
    // arm_smmu_atc_inv_to_cmd, which ends at arm-smmu-v3.c:1603 at 9936a12fcb18). So SSID 0 clears the
    // page (or all) in every SSID's row of the master's ATC; another SSID, in its own row.
    case 'ATC_INV': {
      const rows = d.atc[cmd.sid];
      if (!rows) return;
      const last = cmd.ssid === 0 ? rows.length - 1 : cmd.ssid;
      for (let ssid = cmd.ssid; ssid <= last; ssid++) {
        const row = rows[ssid];
        if (!row) continue;
        if (cmd.page < 0) row.fill(null);
        else row[cmd.page] = null;
      }
      return;
    }
    case 'CMD_SYNC':
      return;
    default:
      cmd satisfies never;
  }
}
