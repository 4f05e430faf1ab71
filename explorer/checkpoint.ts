// A search written to disk so that it can go on later (TLC's checkpoints): every structure the
// breadth-first search keeps (fingerprints, parent links, moves, the frontier, the state graph of a
// liveness search) and its counters, with what it was searching (model, variant, params, the codec's
// layout and the step table), so that a resume on a changed model is refused instead of giving wrong
// counts. Written as a directory `sva-check-checkpoint/` inside the folder the user names: a JSON file
// and one file of arrays, replaced atomically (written aside, then renamed).
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CodecError, IntReader, type Codec, type Shape } from './codec.ts';
import { HarnessError } from './errors.ts';
import type { GraphSnapshot } from './liveness/graph.ts';
import type { PropertyKind } from './result.ts';
import { VarintQueue } from './store.ts';

export const CHECKPOINT_VERSION = 5;
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

/** The search between two expansions. */
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
  readonly seen: { readonly size: number; readonly slots: Uint32Array };
  readonly parents: Uint32Array;
  readonly moves: Uint32Array;
  readonly queue: { readonly bytes: Uint8Array; readonly count: number; readonly peakBytes: number; readonly peakCount: number };
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

/** Bytes a single read or write moves at most (Node refuses 2 GiB and more in one call). */
const PIECE = 2 ** 30;

/** The bytes of `a` written at `position` of the file, a piece at a time. */
function writeAt(fd: number, a: Uint8Array, position: number, piece: number): void {
  for (let at = 0; at < a.length; at += piece) writeSync(fd, a, at, Math.min(piece, a.length - at), position + at);
}

/** Fills `a` from `position` of the file, a piece at a time; false where the file ends first. */
function readAt(fd: number, a: Uint8Array, position: number, piece: number): boolean {
  for (let at = 0; at < a.length; ) {
    const n = readSync(fd, a, at, Math.min(piece, a.length - at), position + at);
    if (n === 0) return false;
    at += n;
  }
  return true;
}

const bytesOf = (a: Uint32Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** `piece`: the most bytes one write moves (a test makes it small). */
export function writeCheckpoint(folder: string, identity: CheckpointIdentity, snapshot: SearchSnapshot, piece = PIECE): string {
  const arrays: [string, Uint32Array | Uint8Array][] = [
    ['seen', snapshot.seen.slots],
    ['parents', snapshot.parents],
    ['moves', snapshot.moves],
    ['queue', snapshot.queue.bytes],
    ...(snapshot.graph ? ([['graph.rowStart', snapshot.graph.rowStart], ['graph.targets', snapshot.graph.targets], ['graph.moves', snapshot.graph.moves], ['graph.marks', snapshot.graph.marks]] as [string, Uint32Array][]) : []),
  ];
  const table: ArrayEntry[] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    table.push({ name, type: a instanceof Uint8Array ? 'u8' : 'u32', offset, length: a.length });
    offset += Math.ceil(a.byteLength / 4) * 4;
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
  mkdirSync(aside);
  // Each array written where the table says, not copied into one buffer: a large search's frontier
  // alone is gigabytes.
  const fd = openSync(join(aside, 'arrays.bin'), 'w');
  try {
    arrays.forEach(([, a], i) => writeAt(fd, bytesOf(a), table[i]!.offset, piece));
    ftruncateSync(fd, offset);
  } finally {
    closeSync(fd);
  }
  writeFileSync(join(aside, 'checkpoint.json'), `${JSON.stringify(meta)}\n`);
  const old = join(folder, `.${NAME}.old`);
  rmSync(old, { recursive: true, force: true });
  if (existsSync(final)) renameSync(final, old);
  renameSync(aside, final);
  rmSync(old, { recursive: true, force: true });
  return final;
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
 * once with every check.
 */
export function frontierMisfit(codec: Codec<unknown>, queue: SearchSnapshot['queue']): string | null {
  const q = VarintQueue.from(queue);
  const out = { buf: new Int32Array(256), len: 0 };
  try {
    for (let i = 0; i < queue.count; i++) {
      q.shift(out);
      const r = new IntReader(out.buf, out.len);
      codec.decode(r);
      if (r.pos !== out.len) return `frontier state ${i} has ${out.len - r.pos} integers too many`;
    }
  } catch (e) {
    // A codec's check, or the varints running off the end of the bytes.
    return `a frontier state does not decode (${e instanceof CodecError ? e.message : 'the bytes end early'})`;
  }
  return null;
}

/** `piece`: the most bytes one read moves (a test makes it small). */
export function readCheckpoint(folder: string, piece = PIECE): { identity: CheckpointIdentity; snapshot: SearchSnapshot } {
  const dir = join(folder, NAME);
  if (!existsSync(join(dir, 'checkpoint.json'))) throw new HarnessError(`${folder}: no checkpoint there (${NAME}/checkpoint.json)`);
  let meta: Record<string, unknown>;
  let fd: number;
  try {
    meta = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    fd = openSync(join(dir, 'arrays.bin'), 'r');
  } catch (e) {
    throw new HarnessError(`${folder}: the checkpoint cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return checkpointOf(folder, meta, fd, piece);
  } finally {
    closeSync(fd);
  }
}

function checkpointOf(folder: string, meta: Record<string, unknown>, fd: number, piece: number): { identity: CheckpointIdentity; snapshot: SearchSnapshot } {
  if (meta['version'] !== CHECKPOINT_VERSION) throw new HarnessError(`${folder}: checkpoint version ${String(meta['version'])}, this sva-check reads ${CHECKPOINT_VERSION}`);
  const size = fstatSync(fd).size;
  const table = meta['arrays'] as ArrayEntry[];
  const get = (name: string): Uint32Array | Uint8Array | undefined => {
    const e = table.find((t) => t.name === name);
    if (!e) return undefined;
    const a = e.type === 'u32' ? new Uint32Array(e.length) : new Uint8Array(e.length);
    if (e.offset + a.byteLength > size || !readAt(fd, bytesOf(a), e.offset, piece)) throw new HarnessError(`${folder}: the checkpoint's arrays are cut short`);
    return a;
  };
  const u32 = (name: string): Uint32Array => {
    const a = get(name);
    if (!(a instanceof Uint32Array)) throw new HarnessError(`${folder}: the checkpoint has no ${name}`);
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
      seen: { size: meta['seenSize'] as number, slots: u32('seen') },
      parents: u32('parents'),
      moves: u32('moves'),
      queue: { ...queue, bytes: (get('queue') as Uint8Array | undefined) ?? new Uint8Array(0) },
      graph:
        graphCurrent === null
          ? null
          : { rowStart: u32('graph.rowStart'), targets: u32('graph.targets'), moves: u32('graph.moves'), marks: u32('graph.marks'), current: graphCurrent },
    },
  };
}
