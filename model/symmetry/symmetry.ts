// Symmetry reduction declared by a config's `symmetry` (model/params.ts): the iopf workqueue's workers
// (model/io-pgfault/symmetry.ts), the devices, the mms and the pages.
// Without the SMMU side, device d's driver binds mm d % pasids (model/sva/config.ts bindableMms)
// and every device runs the same driver: nothing else tells device 0 from device 1 (the PRI queue
// and the workqueue hold faults by their device, in an order of their own; queue->devices is kept
// sorted; iopf_queue_flush_dev marks work items by its caller's bit). So a permutation of the
// devices, with the permutation of their mms it implies, maps a state to one with the same future.
// With one SMMU, every driver may bind any of `mms` processes and every master sits in the one
// domain with the same capabilities: the devices and the mms relabel independently. The SMMU
// walks a domain's masters in StreamID order (domainDevices), which a relabelling turns around;
// the SMMU performs the commands up to a CMD_SYNC in any order, so the representative holds them
// sorted (sortedSegments), and a FIFO command queue refuses the devices' symmetry. With several
// SMMUs device d sits behind SMMU d in a domain of its own, so only the mms and pages relabel.
// Pages with the same VMA, each an access a device may request, are alike too: a step takes any
// page as a choice (a DMA, a page request's address, a CPU fault, a munmap). A page is relabelled
// in every mm at once, since an ASID's TLB row may hold two mms' entries (a seized ASID) and
// a TLBI by VA names the page alone.
// The search keeps, of each class, the state whose encoding is least among those whose devices,
// mms and pages are each in the least order by what every relabelling carries with them
// (PartOrder): the same states for every member of a class, so the exact canonical form still, at
// one relabelling, or none, for most states.
import type { Codec } from '../../explorer/codec.ts';
import { IntWriter } from '../../explorer/codec-io.ts';
import { HarnessError } from '../../explorer/errors.ts';
import { stateCodec } from '../layout.ts';
import { compareKeys } from '../canonical.ts';
import { sortWorkers, workerSymmetry } from '../io-pgfault/symmetry.ts';
import { mmCount, nrPages, nrSmmus } from '../sva/config.ts';
import type { IopfParams } from '../params.ts';
import type { State } from '../state.ts';
import { arrangement, identity, inAnyOrder, KNOWN_FIELDS, permutations, relabel, relabelField, sortedSegments, type Arrangement, type Relabel } from './relabel.ts';
import { deviceOrder, leastOrdered, mmOrder, pageOrder } from './order.ts';

/**
 * The relabellings of the devices that carry device d's mm (d % pasids) to its image's: a permutation
 * of the mms when every device with one mm goes to devices with one mm. The mms no device binds (the
 * next process's) stay.
 */
export function deviceRelabels(c: IopfParams): Omit<Relabel, 'page'>[] {
  const nMms = mmCount(c);
  const out: Omit<Relabel, 'page'>[] = [];
  for (const dev of permutations(c.devices)) {
    if (dev.every((to, from) => to === from)) continue;
    const mmMap = Array.from({ length: nMms }, (_, i) => i);
    const set = new Array<boolean>(nMms).fill(false);
    let consistent = true;
    for (let d = 0; d < c.devices && consistent; d++) {
      const from = d % c.pasids;
      const to = dev[d]! % c.pasids;
      if (set[from]) consistent = mmMap[from] === to;
      mmMap[from] = to;
      set[from] = true;
    }
    if (consistent && new Set(mmMap).size === nMms) out.push({ dev, mm: mmMap });
  }
  return out;
}

/** Whether the params declare the devices interchangeable. */
const devicesSymmetric = (c: IopfParams): boolean => (c.symmetry?.includes('devices') ?? false) && c.devices > 1;

/** Whether they declare the mms interchangeable: the SMMU side's processes, which every driver may bind (bindableMms). */
const mmsSymmetric = (c: IopfParams): boolean => (c.symmetry?.includes('mms') ?? false) && c.mms > 1;

/** Whether they declare the pages interchangeable (every one with the same VMA, each a device's access: refusePages). */
const pagesSymmetric = (c: IopfParams): boolean => (c.symmetry?.includes('pages') ?? false) && nrPages(c) > 1;

/**
 * The relabellings the params declare. With the fixed rule (device d binds mm d % pasids) a device's
 * mm goes with it (deviceRelabels); where every driver may bind any of `mms` processes, the devices,
 * the mms and the pages are relabelled independently, each when declared. A page is relabelled
 * in every mm at once: an ASID's TLB entries may be of two mms (a seized ASID), a page index of one.
 */
export function relabelsOf(c: IopfParams): Arrangement[] {
  if (c.mms === 0) return devicesSymmetric(c) ? deviceRelabels(c).map((r) => arrangement({ ...r, page: identity(nrPages(c)) })) : [];
  return relabelTable(c).at.flat(2).filter((r): r is Arrangement => r !== null);
}

/**
 * The current best's field encodings, each made the first time a comparison needs it and kept
 * until the best changes (`reset`): most candidates are compared on the same first fields.
 */
class FieldEncodings {
  private readonly writers: IntWriter[] = [];
  private readonly valid: boolean[] = [];

  reset(): void {
    this.valid.fill(false);
  }

  of(i: number, codec: Codec<unknown>, value: unknown): IntWriter {
    let w = this.writers[i];
    if (w === undefined) {
      w = this.writers[i] = new IntWriter(64);
      this.valid[i] = false;
    }
    if (this.valid[i] !== true) {
      w.reset();
      codec.encode(value, w);
      this.valid[i] = true;
    }
    return w;
  }
}

/** Every relabelling the params declare, by the permutations of devices, mms and pages it is made of (null: the identity). */
interface RelabelTable {
  readonly dev: readonly (readonly number[])[];
  readonly mm: readonly (readonly number[])[];
  readonly page: readonly (readonly number[])[];
  readonly at: readonly (readonly (readonly (Arrangement | null)[])[])[];
}

function relabelTable(c: IopfParams): RelabelTable {
  const dev = devicesSymmetric(c) ? permutations(c.devices) : [identity(c.devices)];
  const mm = mmsSymmetric(c) ? permutations(mmCount(c)) : [identity(mmCount(c))];
  const page = pagesSymmetric(c) ? permutations(nrPages(c)) : [identity(nrPages(c))];
  const at = dev.map((d) =>
    mm.map((m) =>
      page.map((p) => {
        const r = arrangement({ dev: d, mm: m, page: p });
        return r.moved.size === 0 ? null : r;
      }),
    ),
  );
  return { dev, mm, page, at };
}

/** The field encodings being compared, reused: this runs on every successor. */
const bestEncodings = new FieldEncodings();
const theirEncoding = new IntWriter(1024);

/** `s` with its command queue's segments sorted (the identity's candidate); `s` itself when they are. */
function withSortedQueue(s: State, c: IopfParams): State {
  if (!c.smmu || !inAnyOrder(c)) return s;
  const cmdq = sortedSegments(s.arm_smmu.cmdq);
  return cmdq === s.arm_smmu.cmdq ? s : { ...s, arm_smmu: { ...s.arm_smmu, cmdq } };
}

/** The representative of `s`'s class: workers sorted, and of the devices', mms' and pages' relabellings the least encoding. */
export function canonicalState(s: State, c: IopfParams): State {
  const sorted = workerSymmetry(c) === undefined ? s : sortWorkers(s, c);
  if (!relabelling(c)) return sorted;
  const plan = planOf(s, c);
  const base = withSortedQueue(sorted, c);
  return plan.kind === 'coupled' ? leastOfCoupled(base, s, c, plan) : leastInOrder(base, s, c, plan);
}

/**
 * What canonicalState needs of the params, made at their first state: without the SMMU side the
 * identity (null) and each relabelling by which the devices carry their mms, with its devices'
 * permutation; with it, the relabellings by the permutations of each part.
 */
type Plan = { readonly fields: readonly Field[] } & (
  | { readonly kind: 'coupled'; readonly all: readonly (Arrangement | null)[]; readonly devs: readonly (readonly number[])[] }
  | { readonly kind: 'parts'; readonly table: RelabelTable }
);

const plans = new WeakMap<IopfParams, Plan>();

function planOf(s: State, c: IopfParams): Plan {
  const cached = plans.get(c);
  if (cached) return cached;
  // Every state of a run has the fields of its initial state: a variant's is refused at the first.
  for (const key of Object.keys(s)) if (!KNOWN_FIELDS.has(key)) throw new Error(`symmetry '${c.symmetry!.join("', '")}' does not know the state field '${key}' (a variant's): it cannot relabel it`);
  const fields = fieldsOf(c);
  let plan: Plan;
  if (c.mms === 0) {
    const all = [null, ...relabelsOf(c)];
    plan = { fields, kind: 'coupled', all, devs: all.map((r) => r?.dev ?? identity(c.devices)) };
  } else {
    plan = { fields, kind: 'parts', table: relabelTable(c) };
  }
  plans.set(c, plan);
  return plan;
}

/** Of `base` (the identity's) and `s` relabelled by each of `relabels`, the least encoding. */
function leastOf(base: State, s: State, c: IopfParams, relabels: readonly Arrangement[], fields: readonly Field[]): State {
  let best = base;
  bestEncodings.reset();
  for (const r of relabels) {
    if (!relabelledFirst(best, s, c, r, fields)) continue;
    best = relabel(s, c, r);
    bestEncodings.reset();
  }
  return best;
}

/** Of the candidates (null: the identity's `base`), the least encoding. */
function leastAmong(base: State, s: State, c: IopfParams, candidates: readonly (Arrangement | null)[], fields: readonly Field[]): State {
  const relabels = candidates.filter((r): r is Arrangement => r !== null);
  if (relabels.length < candidates.length) return leastOf(base, s, c, relabels, fields);
  return leastOf(relabel(s, c, relabels[0]!), s, c, relabels.slice(1), fields);
}

/** Without the SMMU side (each device's mm relabelled with it): of the relabellings that leave the devices in their least order, the least encoding. */
function leastOfCoupled(base: State, s: State, c: IopfParams, { all, devs, fields }: Extract<Plan, { kind: 'coupled' }>): State {
  return leastAmong(base, s, c, leastOrdered(s, devs, deviceOrder).map((i) => all[i]!), fields);
}

/** With the SMMU side: of the relabellings that leave devices, mms and pages each in its least order (PartOrder), the least encoding. */
function leastInOrder(base: State, s: State, c: IopfParams, { table: t, fields }: Extract<Plan, { kind: 'parts' }>): State {
  const mms = leastOrdered(s, t.mm, mmOrder);
  const pages = leastOrdered(s, t.page, pageOrder);
  const candidates: (Arrangement | null)[] = [];
  for (const d of leastOrdered(s, t.dev, deviceOrder)) for (const m of mms) for (const p of pages) candidates.push(t.at[d]![m]![p]!);
  return leastAmong(base, s, c, candidates, fields);
}

/**
 * Whether `s` relabelled by `r` comes before `best`, field by field in the codec's order (each
 * field's encoding compared as a key: a total order, so the least of a class is one state). A
 * field is relabelled only when the fields before it tie, which they seldom do past the first few.
 */
function relabelledFirst(best: State, s: State, c: IopfParams, r: Arrangement, fields: readonly Field[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const { key: k, codec } = fields[i]!;
    const mine = best[k];
    const theirs = r.moved.has(k) ? relabelField(k, s, c, r) : s[k];
    if (mine === theirs) continue;
    const encoded = bestEncodings.of(i, codec, mine);
    theirEncoding.reset();
    codec.encode(theirs, theirEncoding);
    const d = compareKeys(theirEncoding.buf, encoded.buf, theirEncoding.len, encoded.len);
    if (d !== 0) return d < 0;
  }
  return false;
}

interface Field {
  readonly key: keyof State;
  readonly codec: Codec<unknown>;
}

/** The state's fields with their codecs, in the order the state codec encodes them. */
function fieldsOf(c: IopfParams): Field[] {
  const shape = stateCodec(c).shape;
  if (shape?.kind !== 'record') throw new Error('the state codec is not a record');
  return shape.keys.map((key, i) => ({ key: key as keyof State, codec: shape.fields[i] as Codec<unknown> }));
}

/** The symmetry the params declare, for the report, or undefined. */
export function declaredSymmetry(c: IopfParams): string | undefined {
  const workers = workerSymmetry(c);
  if (c.symmetry?.includes('mms') && !c.smmu) throw new HarnessError("params: symmetry 'mms' needs smmu: without it device d binds mm d % pasids, so 'devices' relabels the mms with them");
  if (c.symmetry?.includes('pages')) refusePages(c);
  if (!relabelling(c)) return workers;
  refuseUnrelabelled(c);
  const n = relabelsOf(c).length + 1;
  const what =
    c.mms === 0
      ? `the ${c.devices} devices with the mms they bind are interchangeable`
      : listed([devicesSymmetric(c) ? `the ${c.devices} devices` : '', mmsSymmetric(c) ? `the ${c.mms} mms` : '', pagesSymmetric(c) ? `the ${nrPages(c)} pages` : '']) + ' are interchangeable';
  const parts = `${what} (${n} arrangements; of those with each part in its order, the least encoding: the exact canonical form)`;
  return workers === undefined ? `symmetry reduction: ${parts}` : `${workers}; ${parts}`;
}

/** Whether the params declare a relabelling of devices, mms or pages. */
const relabelling = (c: IopfParams): boolean => devicesSymmetric(c) || mmsSymmetric(c) || pagesSymmetric(c);

/** "a", "a and b", "a, b and c", of the parts that are not empty. */
function listed(parts: readonly string[]): string {
  const named = parts.filter(Boolean);
  return named.length < 2 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)!}`;
}

/**
 * Pages are interchangeable where every one has the same VMA, every one is an access a device may
 * request (the access table's first `accesses` pages: accessTable), and no IOVA shares their TLB
 * columns.
 */
function refusePages(c: IopfParams): void {
  const refuse = (why: string): never => {
    throw new HarnessError(`params: symmetry 'pages' ${why}`);
  };
  if (!c.smmu) refuse('needs smmu: without it the pages are only the addresses of page requests');
  if (c.vmas.some((vm) => vm !== c.vmas[0])) refuse(`needs every page's VMA the same (vmas is ${JSON.stringify(c.vmas)})`);
  if (c.accesses < c.vmas.length) refuse(`needs accesses (${c.accesses}) to cover every page (${c.vmas.length}): a device requests only the first accesses pages`);
  if (c.iovas > 0) refuse('cannot be declared with iovas: the DMA domain\'s IOVA pages share the TLB\'s columns');
}

/** The slices the relabelling does not cover, and the SMMU-side bounds under which devices or mms differ. */
function refuseUnrelabelled(c: IopfParams): void {
  const refuse = (why: string): never => {
    throw new HarnessError(`params: symmetry '${c.symmetry!.join("', '")}' ${why}`);
  };
  if (c.evtq || c.httu) refuse('cannot be declared with evtq or httu (their slices name devices, mms and pages it does not relabel)');
  if (!c.smmu) return;
  if (c.attach) refuse('cannot be declared with attach: the relabelling covers devices that sit in one domain for good');
  if (devicesSymmetric(c) && nrSmmus(c) > 1) refuse('cannot be declared with smmus: device d sits behind SMMU d, in its own domain');
  if (devicesSymmetric(c) && !inAnyOrder(c)) refuse("cannot relabel the devices with cmdq 'fifo': the SMMU performs a domain's CFGI_CD and ATC_INV in StreamID order");
}
