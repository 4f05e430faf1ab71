// Canonical codec of struct mm_struct (mm.ts): fixed-length pages, sorted notifier lists.
import { array, bool, constant, int, labelSet, list, literal, nullable, record, tagged, type Codec } from '../../explorer/codec.ts';
import { INVALID_IOASID } from '../ioasid/ioasid.ts';
import {
  MM_WARNINGS,
  PERMS,
  PTES,
  type MmConfig,
  type MmExit,
  type MmHolder,
  type MmStruct,
  type Page,
  type Subscription,
  type Unmap,
} from './mm.ts';
import type { Asid, ContextId, NotifierId } from '../ids.ts';

export function mmCodec(cfg: MmConfig): Codec<MmStruct> {
  const ref = int(0, cfg.max_refs);
  const nid = int(0, cfg.max_notifiers - 1) as unknown as Codec<NotifierId>;
  const nids = list(cfg.max_notifiers, nid);
  return record<MmStruct>({
    users: ref,
    count: ref,
    count_holders: list(
      cfg.max_refs,
      tagged<'kind', MmHolder>('kind', {
        users: record({ kind: constant<'users'>('users') }),
        notifier: record({ kind: constant<'notifier'>('notifier'), id: nid }),
        cd: record({ kind: constant<'cd'>('cd'), asid: int(0, cfg.max_asid) as unknown as Codec<Asid> }),
        bind: record({ kind: constant<'bind'>('bind'), dev: int(0, cfg.max_dev) }),
      }),
    ),
    pasid: int(INVALID_IOASID, cfg.max_pasid),
    context: record({ id: int(0, cfg.max_context_id) as unknown as Codec<ContextId>, pinned: ref }),
    pages: array(cfg.nr_pages, record<Page>({ vm: literal(PERMS), pte: literal(PTES) })),
    notifiers: list(cfg.max_notifiers, record<Subscription>({ id: nid, ops: int(), users: ref, linked: bool })),
    subscriptions: bool,
    srcu_pending: nids,
    unmap: nullable(record<Unmap>({ page: int(0, cfg.nr_pages - 1), phase: literal(['zapped', 'tlb_flush', 'range_end'] as const), pending: nids })),
    exit: tagged<'state', MmExit>('state', {
      live: record({ state: constant<'live'>('live') }),
      releasing: record({ state: constant<'releasing'>('releasing'), pending: nids }),
      unmapping: record({ state: constant<'unmapping'>('unmapping') }),
      exited: record({ state: constant<'exited'>('exited') }),
    }),
    warnings: labelSet(cfg.warnings ?? MM_WARNINGS),
  });
}
