// `sva-check validate-trace LOG --config C [--variant V]`: is a kernel event log a behaviour of the
// model? The model reads the log (its `trace` hook), raises the config's bounds to what the log needs,
// and the search (explorer/trace-validate/search.ts) answers with the steps that print it, or with
// the first line no behaviour explains. Exit 0 accepted, 1 rejected, 2 unreadable log (or undecided
// within --max-nodes / --max-seconds).
import { resolve } from 'node:path';
import { compile, type Compiled } from '../compile.ts';
import { HarnessError } from '../errors.ts';
import { displayPath, parseParams, type Workspace } from '../load.ts';
import type { AnyModel } from '../model.ts';
import type { RaisedBound } from '../trace-validate/events.ts';
import { readLog } from '../trace-validate/read-log.ts';
import { validateTrace, type TraceLine, type TraceVerdict } from '../trace-validate/search.ts';
import type { CliContext } from './io.ts';
import { resolveTarget, type Target, type TargetOptions } from './target.ts';

export interface ValidateTraceOptions extends TargetOptions {
  readonly maxNodes?: number;
  readonly maxSeconds?: number;
}

export interface ValidateTraceReport {
  readonly log: string;
  readonly target: Target;
  readonly params: unknown;
  readonly raised: readonly RaisedBound[];
  readonly lines: readonly TraceLine[];
  readonly verdict: TraceVerdict;
}

/** The library form of the command: read the log, fit the bounds, search. */
export async function validateTraceFile(ws: Workspace, logPath: string, options: ValidateTraceOptions): Promise<ValidateTraceReport> {
  const target = await resolveTarget(ws, options);
  const trace = target.model.trace;
  if (!trace) throw new HarnessError(`model ${target.model.name} declares no event log (its \`trace\`): nothing to validate against`);
  const shown = displayPath(ws, resolve(ws.cwd, logPath));
  const { lines, events } = readLog(resolve(ws.cwd, logPath), shown, trace);
  const fitted = trace.fit ? trace.fit(events, target.params) : { config: target.params, raised: [] };
  const needs = fitted.raised.map((r) => `${r.param} ${JSON.stringify(r.to)} (${r.why})`).join(', ');
  const params = fitted.raised.length === 0 ? target.params : parseParams(target.model, fitted.config, `${shown} needs ${needs}`);
  const compiled = fitted.raised.length === 0 ? target.compiled : compiledFor(target.model, params);
  const verdict = validateTrace(compiled, trace, lines, { ...(options.maxNodes === undefined ? {} : { maxNodes: options.maxNodes }), ...(options.maxSeconds === undefined ? {} : { maxSeconds: options.maxSeconds }) });
  return { log: shown, target, params, raised: fitted.raised, lines, verdict };
}

/**
 * The model compiled at raised bounds, kept per model and params: logs of one kind need the same
 * bounds, and a compiled model's codec, generated and warmed up once, is most of a small search.
 */
const compiledCache = new WeakMap<AnyModel, Map<string, Compiled<unknown, unknown>>>();

function compiledFor(model: AnyModel, params: unknown): Compiled<unknown, unknown> {
  let byParams = compiledCache.get(model);
  if (!byParams) compiledCache.set(model, (byParams = new Map()));
  const key = JSON.stringify(params);
  let compiled = byParams.get(key);
  if (!compiled) byParams.set(key, (compiled = compile(model, params)));
  return compiled;
}

const SUMMARIES_SHOWN = 6;
const OFFERED_SHOWN = 8;

export async function validateTraceCommand(ctx: CliContext, logPath: string, options: ValidateTraceOptions & { json?: boolean }): Promise<number> {
  const report = await validateTraceFile(ctx.ws, logPath, options);
  const { verdict, lines, target } = report;
  if (verdict.kind === 'incomplete') {
    const explained = verdict.deepest <= 0 ? 'no line' : `lines up to ${lines[verdict.deepest - 1]!.line}`;
    throw new HarnessError(
      `${report.log}: undecided: the search stopped at its ${verdict.reason === 'max-nodes' ? '--max-nodes' : '--max-seconds'} bound after ${verdict.nodes} nodes, with ${explained} explained`,
    );
  }
  if (options.json) {
    ctx.io.out(JSON.stringify(jsonReport(report)));
    return verdict.kind === 'accepted' ? 0 : 1;
  }
  const where = `model ${target.model.name}${target.configName ? ` at config ${target.configName}` : ''}${target.variant ? `, variant ${target.variant.id}` : ''}`;
  const out: string[] = [];
  const searched = `${verdict.nodes} nodes searched in ${verdict.seconds.toFixed(1)} s`;
  if (verdict.kind === 'accepted') {
    out.push(`${report.log}: accepted: its ${lines.length} lines are a behaviour of ${where} (${verdict.steps.length} steps; ${searched})`);
    out.push(...raisedLines(report.raised));
    const width = Math.max(0, ...verdict.steps.map((s) => stepName(s).length));
    verdict.steps.forEach((s, i) => {
      const line = s.line === null ? '' : `  line ${lines[s.line]!.line}: ${lines[s.line]!.text}`;
      out.push(`${String(i + 1).padStart(4)}  ${stepName(s).padEnd(width)}${line}`.trimEnd());
    });
    const names = verdict.names.map((b) => (b.owner ? `${b.sort} ${b.owner.name}/${b.name} = ${b.owner.id}/${b.id}` : `${b.sort} ${b.name} = ${b.id}`));
    out.push(`names (log = model): ${names.join(', ') || 'none'}`);
  } else {
    const bad = lines[verdict.at]!;
    out.push(`${report.log}:${bad.line}: rejected: no behaviour of ${where} explains this line:`);
    out.push(`  ${bad.text}`);
    out.push(...raisedLines(report.raised));
    const before = verdict.at === 0 ? 'before the first line' : `after line ${lines[verdict.at - 1]!.line}`;
    out.push(`${before}, the model can be in ${verdict.states} states (state and names); by what decides the next line:`);
    for (const s of verdict.summaries.slice(0, SUMMARIES_SHOWN)) out.push(`  ${String(s.count).padStart(6)}  ${s.text}`);
    if (verdict.summaries.length > SUMMARIES_SHOWN) out.push(`  ... and ${verdict.summaries.length - SUMMARIES_SHOWN} more kinds of state`);
    if (verdict.offered.length === 0) out.push('from none of them can the model print anything next');
    else {
      out.push('what the model can print next instead (and from how many of them):');
      for (const o of verdict.offered.slice(0, OFFERED_SHOWN)) out.push(`  ${String(o.count).padStart(6)}  ${o.text}`);
      if (verdict.offered.length > OFFERED_SHOWN) out.push(`  ... and ${verdict.offered.length - OFFERED_SHOWN} more`);
    }
    out.push(`(${searched})`);
  }
  ctx.io.out(out.join('\n'));
  return verdict.kind === 'accepted' ? 0 : 1;
}

function stepName(s: { process: string; self: number; step: string; shown: string }): string {
  return `${s.process}${s.self > 0 ? `[${s.self}]` : ''}/${s.step}${s.shown ? ` (${s.shown})` : ''}`;
}

function raisedLines(raised: readonly RaisedBound[]): string[] {
  if (raised.length === 0) return [];
  return [`bounds raised to what the log needs: ${raised.map((r) => `${r.param} ${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)} (${r.why})`).join('; ')}`];
}

function jsonReport(report: ValidateTraceReport): unknown {
  const { verdict, lines, target } = report;
  const base = {
    log: report.log,
    model: target.model.name,
    config: target.configName,
    variant: target.variant?.id ?? null,
    params: report.params,
    raised: report.raised,
    nodes: verdict.nodes,
    seconds: verdict.seconds,
  };
  if (verdict.kind === 'accepted') {
    return {
      ...base,
      result: 'accepted',
      steps: verdict.steps.map((s) => ({ ...s, line: s.line === null ? null : lines[s.line]!.line })),
      names: verdict.names,
    };
  }
  if (verdict.kind === 'rejected') {
    const bad = lines[verdict.at]!;
    return { ...base, result: 'rejected', line: bad.line, text: bad.text, states: verdict.states, summaries: verdict.summaries, offered: verdict.offered };
  }
  return { ...base, result: 'incomplete' };
}
