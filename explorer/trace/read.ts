// A counterexample file back as a trace: each recorded state read through the model's codec, each
// step named as the file records it (the model's own `showChoice` where it has the step).
import type { Codec } from '../codec.ts';
import { showChoice, type Compiled } from '../compile.ts';
import type { TraceState } from '../result.ts';
import { choiceOf, stateOf, type CounterexampleFile } from './itf.ts';

export function traceOfFile<S, C>(compiled: Compiled<S, C>, file: CounterexampleFile): TraceState<S>[] {
  const codec = compiled.codec as Codec<unknown>;
  return file.states.map((record, k) => {
    const state = stateOf(file, k, codec) as S;
    if (k === 0) return { move: null, state };
    const meta = record['#meta'];
    const taken = record['mbt::actionTaken'];
    const process = meta.process ?? taken.slice(0, taken.indexOf('/'));
    const step = taken.slice(process.length + 1);
    const self = meta.self ?? 0;
    const picks = record['mbt::nondetPicks'];
    const choice = 'choice' in picks ? choiceOf(picks) : undefined;
    const action = compiled.actions.find((a) => a.process.name === process && a.self === self && a.step.name === step);
    const shown = choice === undefined ? '' : action ? showChoice(action, choice) : JSON.stringify(choice);
    const choiceIndex = typeof picks['choiceIndex'] === 'number' ? picks['choiceIndex'] : 0;
    return { move: { process, self, step, choice, choiceIndex, pc: meta.pc ?? '', shown }, state };
  });
}
