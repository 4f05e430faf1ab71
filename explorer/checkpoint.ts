// A search written to disk so that it can go on later (TLC's checkpoints): every structure the
// breadth-first search keeps (fingerprints, parent links, moves, the frontier, the state graph of a
// liveness search) and its counters, with what it was searching (model, variant, params, the codec's
// layout and the step table), so that a resume on a changed model is refused instead of giving wrong
// counts. Written as a directory `sva-check-checkpoint/` inside the folder the user names: a JSON file
// and one file of arrays, replaced atomically (written aside, then renamed).
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CodecError, IntReader, type Codec, type Shape } from './codec.ts';
import { HarnessError } from './errors.ts';
import type { GraphSnapshot } from './liveness/graph.ts';
import { byteLength, piecesOf, PIECE, READ_PIECE, typeOf, type ArraySource, type FileArray } from './pieces.ts';
import type { PropertyKind } from './result.ts';
import { VarintQueue } from './store.ts';

export const CHECKPOINT_VERSION = 5;
/** Bytes of the frontier its check reads at a time, and more than any one state's encoding takes. */
const MISFIT_PIECE = 2 ** 26;
const MAX_STATE_BYTES = 2 ** 20;
const NAME = 'sva-check-checkpoint';

/** What was searched, and how: a resume must search the same. */
export interface CheckpointIdentity {
  /** --config, --model, --variant and --param as given, and the folder they were given in. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly cwd: string;
  readonly model: string;
  readonly variant: string | null;
  readonly params: unknown;
  readonly layout: string;
  readonly steps: readonly string[];
  /** The run's options (bounds, --continue, ...) as the command line gave them. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A violation the search found, by where it is: a stored state, a step from one, or an initial state. */
export interface FoundRecord {
  readonly property: string;
  readonly kind: PropertyKind;
  readonly description: string;
  readonly id: number;
  /**
   * The step (packed action and choice) taken from state `id` to the violating state or step: for an
   * action property, and for a state outside the model's constraint (not stored).
   */
  readonly move?: number;
  /** An initial state outside the constraint (not stored): the trace is that state alone. */
  readonly initIndex?: number;
  readonly detail?: string;
}

/**
 * The search between two expansions. Its large arrays are sources (pieces.ts): a search writes its
 * stores' chunks as they are, and a checkpoint read back leaves them in its file until the resumed
 * search's stores take them in, a piece at a time.
 */
export interface SearchSnapshot {
  readonly counters: {
    readonly generated: number;
    readonly depth: number;
    readonly deepest: number;
    readonly levelEnd: number;
    readonly expanded: number;
    readonly initialStored: number;
    readonly unreachedWitnesses: number;
    readonly deadlockFound: boolean;
    readonly elapsedSeconds: number;
  };
  readonly fired: readonly number[];
  readonly violated: readonly boolean[];
  readonly reached: readonly boolean[];
  readonly stepViolated: readonly boolean[];
  readonly found: readonly FoundRecord[];
  readonly seen: { readonly size: number; readonly slots: ArraySource };
  readonly parents: ArraySource;
  readonly moves: ArraySource;
  readonly queue: { readonly bytes: ArraySource; readonly count: number; readonly peakBytes: number; readonly peakCount: number };
  readonly graph: GraphSnapshot | null;
}

/** A short, stable text of a codec's layout: kinds, ranges, lengths and field names. */
export function layoutSignature(codec: Codec<unknown>): string {
  const walk = (c: Codec<unknown> | undefined): string => {
    const s: Shape | undefined = c?.shape;
    if (!s) return '?';
    switch (s.kind) {
      case 'int':
        return `i${s.min}..${s.max}`;
      case 'bool':
        return 'b';
      case 'literal':
        return `l(${s.values.join('|')})`;
      case 'constant':
        return `c${JSON.stringify(s.value)?.length ?? 0}`;
      case 'nullable':
        return `n(${walk(s.item)})`;
      case 'array':
        return `a${s.length}(${walk(s.item)})`;
      case 'list':
        return `${s.set ? 's' : 'L'}${s.maxLength}(${walk(s.item)})`;
      case 'tuple':
        return `t(${s.items.map(walk).join(',')})`;
      case 'record':
        return `r(${s.keys.map((k, i) => `${k}:${walk(s.fields[i])}`).join(',')})`;
      case 'tagged':
        return `g${s.key}(${s.tags.map((t, i) => `${t}:${walk(s.variants[i])}`).join(',')})`;
    }
  };
  return walk(codec);
}

interface ArrayEntry {
  readonly name: string;
  readonly type: 'u32' | 'u8';
  readonly offset: number;
  readonly length: number;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, position + at);
}

/** `piece`: the most bytes one write moves (a test makes it small). */
export function writeCheckpoint(folder: string, identity: CheckpointIdentity, snapshot: SearchSnapshot, piece = PIECE): string {
  const arrays: [string, ArraySource][] = [
    ['seen', snapshot.seen.slots],
    ['parents', snapshot.parents],
    ['moves', snapshot.moves],
    ['queue', snapshot.queue.bytes],
    ...(snapshot.graph ? ([['graph.rowStart', snapshot.graph.rowStart], ['graph.targets', snapshot.graph.targets], ['graph.moves', snapshot.graph.moves], ['graph.marks', snapshot.graph.marks]] as [string, ArraySource][]) : []),
  ];
  const table: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    table.push({ name, type: typeOf(a), offset, length: a.length });
    offset += Math.ceil(byteLength(a) / 4) * 4;
  }
  const meta = {
    version: CHECKPOINT_VERSION,
    identity,
    counters: snapshot.counters,
    fired: snapshot.fired,
    violated: snapshot.violated,
    reached: snapshot.reached,
    stepViolated: snapshot.stepViolated,
    found: snapshot.found,
    seenSize: snapshot.seen.size,
    queue: { count: snapshot.queue.count, peakBytes: snapshot.queue.peakBytes, peakCount: snapshot.queue.peakCount },
    graphCurrent: snapshot.graph?.current ?? null,
    arrays: table,
  };
  mkdirSync(folder, { recursive: true });
  const final = join(folder, NAME);
  const aside = join(folder, `.${NAME}.writing`);
  rmSync(aside, { recursive: true, force: true });
  try {
    writeArrays(aside, arrays, table, offset, piece);
    writeFileSync(join(aside, 'checkpoint.json'), `${JSON.stringify(meta)}\n`);
  } catch (e) {
    // A full disk, say: the part written goes, the last checkpoint stays.
    rmSync(aside, { recursive: true, force: true });
    throw e;
  }
  const old = join(folder, `.${NAME}.old`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, old);
  renameSync(aside, final);
  rmSync(old, { recursive: true, force: true });
  return final;
}

/** Each array written where the table says, a piece at a time. */
function writeArrays(aside: string, arrays: readonly [string, ArraySource][], table: readonly ArrayEntry[], size: number, piece: number): void {
  mkdirSync(aside);
  const fd = openSync(join(aside, 'arrays.bin'), 'w');
  try {
    arrays.forEach(([, a], i) => {
      let at = table[i]!.offset;
      for (const p of piecesOf(a, piece)) {
        writeAll(fd, p, at);
        at += p.length;
      }
    });
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

/**
 * A search's checkpoints: the last one written, and why the last try failed if it did. A failure (a
 * full disk, say) does not end the search: the next one is tried at its time, and the one before
 * stays to resume from.
 */
export class Checkpoints {
  private last: string | undefined;
  private failed: string | undefined;

  constructor(private readonly plan: { readonly folder: string; readonly identity: CheckpointIdentity } | undefined) {}

  write(snapshot: () => SearchSnapshot): void {
    if (this.plan === undefined) return;
    try {
      this.last = writeCheckpoint(this.plan.folder, this.plan.identity, snapshot());
      this.failed = undefined;
    } catch (e) {
      this.failed = e instanceof Error ? e.message : String(e);
    }
  }

  /** For the search's stats. */
  get stats(): { checkpoint?: string; checkpointFailed?: string } {
    return { ...(this.last === undefined ? {} : { checkpoint: this.last }), ...(this.failed === undefined ? {} : { checkpointFailed: this.failed }) };
  }
}

/** Where a checkpoint in `folder` is written. */
export function checkpointEntry(folder: string): string {
  return join(folder, NAME);
}

/** Whether the folder holds a checkpoint. */
export function hasCheckpoint(folder: string): boolean {
  return existsSync(join(folder, NAME, 'checkpoint.json'));
}

/** Removes the checkpoint a finished search no longer needs (the folder and anything else in it stay). */
export function removeCheckpoint(folder: string): void {
  rmSync(join(folder, NAME), { recursive: true, force: true });
}

/**
 * Why the checkpoint's frontier does not hold states of `codec`'s layout, or null: the search decodes
 * its own encodings unchecked (codec-gen.ts), so a damaged file is caught here, each state decoded
 * once with every check. `piece` and `maxStateBytes`: the bytes read at a time, and the bytes past a
 * state's start held before it is decoded (a test makes them small); `copyTo` gets every piece too.
 */
export function frontierMisfit(codec: Codec<unknown>, queue: SearchSnapshot['queue'], piece = MISFIT_PIECE, maxStateBytes = MAX_STATE_BYTES, copyTo?: VarintQueue): string | null {
  // Read a piece at a time: a state is decoded once `maxStateBytes` past its start are in (a megabyte,
  // far more than any state's encoding at 5 bytes a value at most), and its bytes leave the queue.
  const q = new VarintQueue();
  const out = { buf: new Int32Array(256), len: 0 };
  let i = 0;
  const decodeWhile = (more: () => boolean): string | null => {
    for (; i < queue.count && more(); i++) {
      q.shift(out);
      const r = new IntReader(out.buf, out.len);
      codec.decode(r);
      if (r.pos !== out.len) return `frontier state ${i} has ${out.len - r.pos} integers too many`;
    }
    return null;
  };
  try {
    let first = true;
    for (const bytes of piecesOf(queue.bytes, piece)) {
      q.pushEncoded(bytes, 0, bytes.length, first ? queue.count : 0);
      copyTo?.pushEncoded(bytes, 0, bytes.length, first ? queue.count : 0);
      first = false;
      const misfit = decodeWhile(() => q.heldBytes >= maxStateBytes);
      if (misfit !== null) return misfit;
    }
    const misfit = decodeWhile(() => q.heldBytes > 0);
    if (misfit !== null) return misfit;
    if (i < queue.count) return `the frontier ends after ${i} of its ${queue.count} states`;
    return q.heldBytes > 0 ? 'the frontier has bytes past its last state' : null;
  } catch (e) {
    // A codec's check, or the varints running off the end of the bytes.
    return `a frontier state does not decode (${e instanceof CodecError ? e.message : 'the bytes end early'})`;
  }
}

/**
 * A resumed search's frontier: the checkpoint's, in a queue under the search's memory budget, each
 * state checked as it is read in (frontierMisfit), so that the file is read once.
 */
export function restoreFrontier(codec: Codec<unknown>, queue: SearchSnapshot['queue'], memoryBudget: number): VarintQueue {
  const q = new VarintQueue(memoryBudget);
  const misfit = frontierMisfit(codec, queue, MISFIT_PIECE, MAX_STATE_BYTES, q);
  if (misfit !== null) {
    q.close();
    const bytes = queue.bytes;
    const where = 'file' in bytes ? bytes.file : 'the checkpoint';
    throw new HarnessError(`${where}: the checkpoint is damaged: ${misfit}`);
  }
  q.peakBytes = queue.peakBytes;
  q.peakCount = queue.peakCount;
  return q;
}

/**
 * The checkpoint in `folder`: its large arrays stay in its file (FileArray) until a search takes them
 * in. `piece`: the most bytes one read moves (a test makes it small).
 */
export function readCheckpoint(folder: string, piece = READ_PIECE): { identity: CheckpointIdentity; snapshot: SearchSnapshot } {
  const dir = join(folder, NAME);
  if (!existsSync(join(dir, 'checkpoint.json'))) throw new HarnessError(`${folder}: no checkpoint there (${NAME}/checkpoint.json)`);
  const file = join(dir, 'arrays.bin');
  let meta: Record<string, unknown>;
  let size: number;
  try {
    meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    const fd = openSync(file, 'r');
    size = fstatSync(fd).size;
    closeSync(fd);
  } catch (e) {
    throw new HarnessError(`${folder}: the checkpoint cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  return checkpointOf(folder, meta, { file, size, piece });
}

function checkpointOf(folder: string, meta: Record<string, unknown>, arrays: { file: string; size: number; piece: number }): { identity: CheckpointIdentity; snapshot: SearchSnapshot } {
  if (meta['version'] !== CHECKPOINT_VERSION) throw new HarnessError(`${folder}: checkpoint version ${String(meta['version'])}, this sva-check reads ${CHECKPOINT_VERSION}`);
  const table = meta['arrays'] as ArrayEntry[];
  const get = (name: string, type: 'u8' | 'u32'): FileArray => {
    const e = table.find((t) => t.name === name);
    if (e?.type !== type) throw new HarnessError(`${folder}: the checkpoint has no ${name}`);
    const a: FileArray = { file: arrays.file, offset: e.offset, type, length: e.length, piece: arrays.piece };
    if (e.offset + byteLength(a) > arrays.size) throw new HarnessError(`${folder}: the checkpoint's arrays are cut short`);
    return a;
  };
  const queue = meta['queue'] as { count: number; peakBytes: number; peakCount: number };
  const graphCurrent = meta['graphCurrent'] as number | null;
  return {
    identity: meta['identity'] as CheckpointIdentity,
    snapshot: {
      counters: meta['counters'] as SearchSnapshot['counters'],
      fired: meta['fired'] as number[],
      violated: meta['violated'] as boolean[],
      reached: meta['reached'] as boolean[],
      stepViolated: meta['stepViolated'] as boolean[],
      found: meta['found'] as FoundRecord[],
      seen: { size: meta['seenSize'] as number, slots: get('seen', 'u32') },
      parents: get('parents', 'u32'),
      moves: get('moves', 'u32'),
      queue: { ...queue, bytes: get('queue', 'u8') },
      graph:
        graphCurrent === null
          ? null
          : { rowStart: get('graph.rowStart', 'u32'), targets: get('graph.targets', 'u32'), moves: get('graph.moves', 'u32'), marks: get('graph.marks', 'u32'), current: graphCurrent },
    },
  };
}
