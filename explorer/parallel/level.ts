// What the threads of a parallel search share for one level of the breadth-first search, and what
// each thread reports back. The level's states sit in one shared byte buffer, cut in chunks of
// consecutive states; threads take chunks in increasing order from a shared counter, so the chunks
// done when a level is cut short are always a prefix.

/** Words of the control array. */
export const NEXT = 0;
/** Chunks from this one on are not started (a violation that stops the search, max-states). */
export const LIMIT = 1;
/** Why the level was halted, when it was (HALT_*). */
export const HALT = 2;
/** States the level inserted so far (counted once a chunk is done). */
export const INSERTED = 3;
/** Level states expanded so far (for progress lines). */
export const EXPANDED = 4;
/** Threads done expanding the level: at `threads`, the owners are final and the chunks are resolved. */
export const FINISHED = 5;
/** Threads done resolving their chunks: at `threads`, the table may grow (`LevelSpec.growAfter`). */
export const RESOLVED = 6;
export const CONTROL_WORDS = 7;

export const HALT_SECONDS = 1;
export const HALT_FULL = 2;
export const HALT_MEMORY = 3;
/** Cut for a checkpoint: the level goes on in the next round (coordinator.ts, resume.ts). */
export const HALT_CHECKPOINT = 4;
/** Cut for a checkpoint on Ctrl-C, after which the search stops. */
export const HALT_INTERRUPT = 5;

export interface LevelSpec {
  readonly frontier: SharedArrayBuffer;
  /** Byte offset of each chunk's first state, and the end of the last chunk. */
  readonly chunkStarts: SharedArrayBuffer;
  readonly chunkSize: number;
  readonly count: number;
  /** Id of the level's first state. */
  readonly firstId: number;
  /** The depth bound is reached: successors are only looked up, never stored. */
  readonly atBound: boolean;
  readonly table: SharedArrayBuffer;
  /** Slots of the table (its buffer has room to grow beyond them). */
  readonly tableCapacity: number;
  /** The table's bitmap of contested slots. */
  readonly contested: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  /** Properties already violated, witnesses already reached: not evaluated again. */
  readonly violated: readonly boolean[];
  readonly stepViolated: readonly boolean[];
  readonly reached: readonly boolean[];
  readonly deadlockFound: boolean;
  /** Inserts after which no further chunk is started (max-states). */
  readonly maxNew: number;
  /** Date.now() after which no further chunk is started (max-seconds). */
  readonly deadline: number;
  /** Table load above which the level halts to be redone with a larger table. */
  readonly maxLoad: number;
  /**
   * The search keeps the state graph (liveness): each claim also carries the state's liveness marks,
   * and each chunk's edges are reported.
   */
  readonly graph: boolean;
  /** Threads expanding the level, this one included: each resolves its chunks when all are done. */
  readonly threads: number;
  /**
   * Once every thread has resolved its chunks, one worker thread (`grower`, set by pool.ts) grows
   * the table in place for the next round, while the coordinator takes in this one's results:
   * `next` says what the next round may hold (table.ts, capacityAhead).
   */
  readonly growAfter: boolean;
  readonly grower?: boolean;
  readonly next: NextRound;
}

/** What a round after this one may hold, as far as it is known before this round. */
export interface NextRound {
  /** States stored before this round. */
  readonly stored: number;
  /** States of this level left after this round, and of the next level queued before it. */
  readonly rest: number;
  readonly queued: number;
  /** Most states a round holds at this round's bytes a state. */
  readonly maxCount: number;
}

export type EventKind = 'action' | 'invariant' | 'witness' | 'deadlock' | 'unseen' | 'error';

/**
 * Something the one-thread search would have done at a point of its order: (parent id, ordinal of
 * the successor among the parent's, phase). On a new state, `slot` names it and its point is the
 * one of the parent that owns it when the level is over.
 */
export interface LevelEvent {
  readonly kind: EventKind;
  readonly parent: number;
  readonly ord: number;
  readonly index: number;
  readonly move: number;
  /** The new state's table slot, or -1 for a state outside the constraint. */
  readonly slot: number;
  readonly detail?: string;
  readonly error?: { readonly message: string; readonly model: boolean; readonly trace: boolean };
}

/** Codes of a chunk's edge list (LevelReport.edges). */
export const EDGE_END = 0;
export const EDGE_OUTSIDE = 1;
export const EDGE_SLOT = 2;

/** Ordinal of a parent's deadlock: after all its successors. */
export const AFTER_ALL = 0x7fffffff;

export interface LevelReport {
  /** Chunk numbers done by this thread. */
  readonly chunks: readonly number[];
  /**
   * Each chunk's claims (resolve.ts, ChunkClaims): every successor the thread inserted or took over
   * from a parent of higher id, then, once resolved, those whose parent owns the slot.
   */
  readonly claims: readonly Uint32Array[];
  /**
   * Keeping the graph, each chunk's edges: per parent, for each step taken, EDGE_OUTSIDE or its
   * state's slot + EDGE_SLOT, then its move; then EDGE_END. Empty otherwise.
   */
  readonly edges: readonly Uint8Array[];
  /** Each chunk's claimed states' encodings, one after the other, in the order of the claims (once resolved, the winners'). */
  readonly states: readonly Uint8Array[];
  readonly events: readonly LevelEvent[];
  /** Per chunk, successors counted per action (the one-thread search's `fired`). */
  readonly fired: readonly Float64Array[];
}
