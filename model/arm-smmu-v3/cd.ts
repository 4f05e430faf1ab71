// arm_smmu_write_ctx_desc and arm_smmu_sync_cd (arm-smmu-v3.c v5.11, kernel-notes 1c):
//   (1)/(2) install (CD not live): dwords 1-3 first, sync_cd ("STE is live ... Ensure that it
//           observes valid values before reading V=1"), then dword0 with V=1, sync_cd: 2 syncs;
//   (3) update the ASID of a live CD (seizing a private ASID): dword0 rewritten, 1 sync;
//   (4) quiesce (&quiet_cd / invalid_cd): keep V, set EPD0 "to avoid C_BAD_CD events", 1 sync;
//   (5) remove (cd == NULL): dword0 = 0, 1 sync.
// The install is split in two functions because the writer waits for the first sync in between.
// The SMMU reads a CD from its configuration cache, or from memory on a miss (and may cache it):
// so until the CFGI_CD of a write is performed, either value may be used.
// Leaves out: -ENOMEM of a 2-level table's leaf allocation, the L1 descriptor write.
import { match, P } from 'ts-pattern';
import { arm_smmu_cmdq_issue_cmd, arm_smmu_cmdq_issue_sync } from './cmdq.ts';
import { smmuWarn } from './warn.ts';
import { domainDevices, domainSmmu, steDomain, smmuDevice, type Cd, type Features, type SmmuState, type Ttb } from './state.ts';
import type { Asid, DeviceId, DomainId } from '../ids.ts';

/** The `cd` argument: NULL (remove), &quiet_cd (quiesce), or a real CD (install or update ASID). */
export type CtxDescArg = null | 'quiet_cd' | { asid: Asid; ttb: Ttb };

/**
 * Which stall bits quiescing clears: 'never' (v6 of the series, v5.11 to v5.13: "Don't clear S and R
 * bits in step (3), it doesn't work with STALL_FORCE"; v5.13-rc6's quiet case only sets EPD0,
 * arm-smmu-v3.c:1003-1004), 'unless_forced' (the v6.10 cycle's e9d1e4ff, through
 * arm_smmu_make_sva_cd), 'always' (v5 of the series).
 */
export type QuietStall = 'never' | 'unless_forced' | 'always';

export interface WriteCdOpts {
  /** The thread that will wait for the CMD_SYNCs. */
  readonly owner: number;
  readonly quiet_stall?: QuietStall;
}

/** 'install-pending': an install's first half is written; its second half is owed after the sync. */
export type WriteCdRet = 0 | 'install-pending' | '-E2BIG';

/** arm_smmu_sync_cd: one CFGI_CD per master of the domain (devices_lock), then a CMD_SYNC, on smmu_domain->smmu. */
export function arm_smmu_sync_cd(d: SmmuState, domain: DomainId, ssid: number, owner: number): void {
  const q = smmuDevice(d, domainSmmu(d, domain));
  for (const sid of domainDevices(d, domain)) arm_smmu_cmdq_issue_cmd(q, { op: 'CFGI_CD', sid, ssid });
  arm_smmu_cmdq_issue_sync(q, owner);
}

export function arm_smmu_write_ctx_desc(
  d: SmmuState,
  domain: DomainId,
  ssid: number,
  cd: CtxDescArg,
  opts: WriteCdOpts,
): WriteCdRet {
  const cdptr = d.domains[domain]?.cdtab[ssid];
  if (!cdptr) {
    smmuWarn(d, 'write_ctx_desc-ssid-range'); // WARN_ON(ssid >= (1 << smmu_domain->s1_cfg.s1cdmax))
    return '-E2BIG';
  }
  const cd_live = cdptr.v;
  const next = match({ cd, cd_live })
    .with({ cd: null }, () => {
      Object.assign(cdptr, { v: false, epd0: false, s: false, r: false, asid: 0 }); // (5) val = 0
      return 0 as const;
    })
    .with({ cd: 'quiet_cd' }, () => {
      cdptr.epd0 = true; // (4) val |= CTXDESC_CD_0_TCR_EPD0
      const quiet = opts.quiet_stall ?? 'never';
      if (quiet === 'always' || (quiet === 'unless_forced' && !d.features.stall_force)) {
        cdptr.s = false;
        cdptr.r = false;
      }
      return 0 as const;
    })
    .with({ cd: P.not(P.nullish).and(P.not('quiet_cd')), cd_live: true }, ({ cd: c }) => {
      cdptr.asid = c.asid; // (3) "Until CD+TLB invalidation, both ASIDs may be used for tagging"
      return 0 as const;
    })
    .with({ cd: P.not(P.nullish).and(P.not('quiet_cd')), cd_live: false }, ({ cd: c }) => {
      cdptr.ttb = c.ttb; // (1)/(2) dwords 1-3 first
      return 'install-pending' as const;
    })
    .exhaustive();
  arm_smmu_sync_cd(d, domain, ssid, opts.owner);
  return next;
}

/** Second half of an install, after the first sync completed: WRITE_ONCE(cdptr[0], V | ...). */
export function arm_smmu_write_ctx_desc_dword0(
  d: SmmuState,
  domain: DomainId,
  ssid: number,
  cd: { asid: Asid },
  opts: WriteCdOpts,
): void {
  const cdptr = d.domains[domain]?.cdtab[ssid];
  if (!cdptr) return;
  // TCR | R | A | AA64 | ASID | V, plus S "if STALL_FORCE" (v5.11); EPD0 clear; ASET = 0 for an mm.
  Object.assign(cdptr, { v: true, epd0: false, r: true, s: d.features.stall_force, asid: cd.asid });
  arm_smmu_sync_cd(d, domain, ssid, opts.owner);
}

/**
 * A CD the SMMU accepts: V set, and S set when stall is forced (the seed: "the S bit can't be
 * cleared when STALL_MODEL==0b10 (forced)"; the model takes such a CD as ILLEGAL → C_BAD_CD).
 */
export function cd_legal(features: Features, cd: Cd): boolean {
  return cd.v && !(features.stall_force && !cd.s);
}

/** The CD the SMMU uses for (master, ssid) without caching it: its cached copy, else memory. */
export function arm_smmu_read_cd(d: SmmuState, sid: DeviceId, ssid: number): Cd | null {
  const cached = d.cdcache[sid]?.[ssid];
  if (cached) return cached;
  const dom = d.masters[sid] ? steDomain(d, sid) : null;
  // A detached master's STE aborts (arm_smmu_write_strtab_ent with no domain): no CD is read.
  const mem = dom !== null ? d.domains[dom]?.cdtab[ssid] : undefined;
  return mem ? { ...mem, ttb: mem.ttb && { ...mem.ttb } } : null;
}

/** The CD the SMMU uses for (master, ssid): its cached copy, else memory (now cached if legal). */
export function arm_smmu_fetch_cd(d: SmmuState, sid: DeviceId, ssid: number): Cd | null {
  const cd = arm_smmu_read_cd(d, sid, ssid);
  const row = d.cdcache[sid];
  if (cd && row && !row[ssid] && cd_legal(d.features, cd)) {
    row[ssid] = cd;
    if (d.attach) d.attach.ste_cached[sid] = steDomain(d, sid);
  }
  return cd;
}
