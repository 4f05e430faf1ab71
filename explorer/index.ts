// The public API: what a model or variant written outside this repository imports
// (`import { defineModel, step, codec } from 'sva-check'`), and the programmatic entry points.
export { defineModel, step } from './model.ts';
export type { Model, Process, Step, Invariant, Witness, AnyModel, AnyStep } from './model.ts';
export * as codec from './codec.ts';
export type { Codec } from './codec.ts';
export { defineVariant, applyVariant } from './variant.ts';
export { verdictOf, expectedVerdict, sameVerdict, type Verdict } from './verdict.ts';
export type { Variant, VariantExpectation } from './variant.ts';
export { vocabulary } from './vocabulary.ts';
export { compile } from './compile.ts';
export { explore, type ExploreOptions } from './bfs.ts';
export { exploreParallel, type ParallelSettings } from './parallel/coordinator.ts';
export type { WorkerSource } from './parallel/source.ts';
export { simulate, type SimulateOptions, type SimulateResult } from './simulate.ts';
export type { ExploreResult, Violation, Stats, TraceState, TraceMove } from './result.ts';
export { HarnessError, ModelError } from './errors.ts';
// The schema library a model's `params` are written in, so a model needs no dependency of its own.
export { z } from 'zod';
export { spanMember, value } from './trace-validate/events.ts';
export type { EmittedEvent, EmittedField, LoggedEvent, LoggedField, ModelTrace, RaisedBound, Tracepoint } from './trace-validate/events.ts';
