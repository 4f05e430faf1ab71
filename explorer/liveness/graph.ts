// The explored state graph, kept only when a model has liveness properties: the successors of every
// expanded state (in compressed rows: states are expanded in id order) and, per state, which
// properties' `from` and `to` hold there.
import { U32Vec } from '../store.ts';
import type { ArraySource } from '../pieces.ts';
import type { CompiledLiveness } from './fairness.ts';

/** A successor outside the model's constraint: not stored, but its step was enabled. */
export const OUTSIDE = 0xffffffff;

/** A graph's vectors, copied out for a checkpoint. */
export interface GraphSnapshot {
  readonly rowStart: ArraySource;
  readonly targets: ArraySource;
  readonly moves: ArraySource;
  readonly marks: ArraySource;
  readonly current: number;
}

/** Which properties' `from` (bit 2k) and `to` (bit 2k + 1) hold in `s`. */
export function markBits<S>(properties: readonly CompiledLiveness<S>[], s: S): number {
  let bits = 0;
  properties.forEach((p, k) => {
    if (p.from === undefined || p.from(s)) bits |= 1 << (2 * k);
    if (p.to(s)) bits |= 2 << (2 * k);
  });
  return bits >>> 0;
}

export class StateGraph<S> {
  private rowStart = new U32Vec();
  private targets = new U32Vec();
  private packedMoves = new U32Vec();
  private marks = new U32Vec();
  private current = -1;

  constructor(private readonly properties: readonly CompiledLiveness<S>[]) {}

  snapshot(): GraphSnapshot {
    return { rowStart: this.rowStart.snapshot(), targets: this.targets.snapshot(), moves: this.packedMoves.snapshot(), marks: this.marks.snapshot(), current: this.current };
  }

  restore(s: GraphSnapshot): void {
    this.rowStart = U32Vec.from(s.rowStart);
    this.targets = U32Vec.from(s.targets);
    this.packedMoves = U32Vec.from(s.moves);
    this.marks = U32Vec.from(s.marks);
    this.current = s.current;
  }

  /** Called once per stored state, in id order. */
  mark(s: S): void {
    this.marks.push(markBits(this.properties, s));
  }

  /** `mark` with the bits `markBits` gave for the state (computed on another thread). */
  markWith(bits: number): void {
    this.marks.push(bits >>> 0);
  }

  /** Starts the row of the state being expanded (ids are expanded in order). */
  begin(id: number): void {
    this.current = id;
    this.rowStart.push(this.targets.length);
  }

  /** A step from the state being expanded; a step back to it is a stutter and is not kept. */
  edge(target: number, move: number): void {
    if (target === this.current) return;
    this.targets.push(target);
    this.packedMoves.push(move);
  }

  /** Closes the last row; the graph is then read only. */
  finish(): void {
    this.rowStart.push(this.targets.length);
  }

  get states(): number {
    return this.marks.length;
  }

  get edges(): number {
    return this.targets.length;
  }

  /** Bytes the entries take (4 each; the last chunk of each vector is allocated whole). */
  get bytes(): number {
    return 4 * (this.rowStart.length + this.targets.length + this.packedMoves.length + this.marks.length);
  }

  first(v: number): number {
    return this.rowStart.get(v);
  }

  end(v: number): number {
    return this.rowStart.get(v + 1);
  }

  target(e: number): number {
    return this.targets.get(e);
  }

  move(e: number): number {
    return this.packedMoves.get(e);
  }

  from(v: number, k: number): boolean {
    return (this.marks.get(v) & (1 << (2 * k))) !== 0;
  }

  to(v: number, k: number): boolean {
    return (this.marks.get(v) & (2 << (2 * k))) !== 0;
  }
}
