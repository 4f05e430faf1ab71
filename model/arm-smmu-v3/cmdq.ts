// The SMMU command queue (arm_smmu_cmdq_issue_cmdlist, v5.11): threads append commands and a
// CMD_SYNC, then wait for that sync. The SMMU performs commands in any order up to the first
// CMD_SYNC, and a CMD_SYNC completes only once everything before it has been performed (SMMUv3
// architecture, "CMD_SYNC"): so an invalidation takes effect at some point between its issue and
// the completion of the sync after it, which is exactly what `arm_smmu_cmdq_consume` offers.
// Leaves out: queue wrap and the lock-free cmdq protocol (a full queue just blocks the issuer: the
// composition's guard `cmdq_space`), MSI/SEV completion (only *that* the sync completed matters).
import { arm_smmu_strw, tlbiRegime, type Cmd, type SmmuState } from './state.ts';

/** How many entries a thread may still append (arm_smmu_cmdq_poll_until_not_full). */
export function cmdq_space(s: SmmuState, size: number): number {
  return size - s.cmdq.length;
}

export function arm_smmu_cmdq_issue_cmd(d: SmmuState, cmd: Cmd): void {
  d.cmdq.push(cmd);
}

/** arm_smmu_cmdq_issue_sync: append a CMD_SYNC the thread `owner` will wait for. */
export function arm_smmu_cmdq_issue_sync(d: SmmuState, owner: number): void {
  d.cmdq.push({ op: 'CMD_SYNC', owner });
}

/** The thread's wait is over: none of its CMD_SYNCs is left in the queue. */
export function cmdq_sync_done(s: SmmuState, owner: number): boolean {
  return !s.cmdq.some((c) => c.op === 'CMD_SYNC' && c.owner === owner);
}

/** Indices the SMMU may perform next: any command before the first CMD_SYNC, else that sync. */
export function cmdq_consumable(s: SmmuState): number[] {
  const firstSync = s.cmdq.findIndex((c) => c.op === 'CMD_SYNC');
  if (firstSync === 0) return [0];
  const n = firstSync < 0 ? s.cmdq.length : firstSync;
  return Array.from({ length: n }, (_, i) => i);
}

/** FIFO restriction of `cmdq_consumable` (a smaller state space; hides reordering bugs). */
export function cmdq_consumable_fifo(s: SmmuState): number[] {
  return s.cmdq.length > 0 ? [0] : [];
}

/** The SMMU performs the command at `index` (one of `cmdq_consumable`). */
export function arm_smmu_cmdq_consume(d: SmmuState, index: number): void {
  const [cmd] = d.cmdq.splice(index, 1);
  if (cmd) arm_smmu_perform(d, cmd);
}

// A switch, not a match: this runs for every command of every explored state (a match cost 2% of a
// search); `satisfies never` still breaks the build on a new command.
function arm_smmu_perform(d: SmmuState, cmd: Cmd): void {
  switch (cmd.op) {
    case 'CFGI_CD': {
      const row = d.cdcache[cmd.sid];
      if (row) row[cmd.ssid] = null;
      return;
    }
    // An invalidation of another regime than the streams' STRW matches no entry.
    case 'TLBI_NH_ASID':
    case 'TLBI_EL2_ASID': {
      const row = d.tlb[cmd.asid];
      if (row && tlbiRegime(cmd.op) === arm_smmu_strw(d.features)) row.fill(null);
      return;
    }
    case 'TLBI_NH_VA':
    case 'TLBI_EL2_VA': {
      if (tlbiRegime(cmd.op) !== arm_smmu_strw(d.features)) return;
      const row = d.tlb[cmd.asid];
      if (row && cmd.page < row.length) row[cmd.page] = null;
      return;
    }
    case 'ATC_INV': {
      const row = d.atc[cmd.sid]?.[cmd.ssid];
      if (!row) return;
      if (cmd.page < 0) row.fill(null);
      else row[cmd.page] = null;
      return;
    }
    case 'CMD_SYNC':
      return;
    default:
      cmd satisfies never;
  }
}
