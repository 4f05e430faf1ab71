// A model's `canonicalize` is trusted by the search: a representative stands for its whole class.
// This checks, on a state, what that trust needs: the representative is its own representative, and
// every invariant, witness and `isFinal` says the same of it as of the state, and the state's
// successors and the representative's have the same representatives, as many of each. (A
// canonicalize that sorts processes while an invariant singles one out gives a counterexample whose
// last state does not violate it; one that leaves out a field naming a process merges states whose
// futures differ, which only the successors show.)
import { encodeToArray } from './codec.ts';
import { applyWithImmer, enabledMoves, showChoice, type Compiled } from './compile.ts';
import { ModelError } from './errors.ts';

/** `rep`: canonicalize(s), where the caller has it already. */
export function checkCanonicalize<S, C>(compiled: Compiled<S, C>, s: S, where: string, rep = compiled.canonicalize?.(s)): void {
  const canonicalize = compiled.canonicalize;
  if (!canonicalize || rep === undefined) return;
  const fail = (what: string): never => {
    throw new ModelError(`model ${compiled.model.name}: canonicalize is not a symmetry of ${where}: ${what}`);
  };
  const again = canonicalize(rep);
  if (encodeToArray(compiled.codec, again).join() !== encodeToArray(compiled.codec, rep).join()) fail('the representative is not its own representative');
  // A state that is its own representative has its own properties and successors.
  if (rep === s) return;
  for (const inv of compiled.invariants) {
    if (inv.holds(s) !== inv.holds(rep)) fail(`invariant ${inv.name} ${inv.holds(s) ? 'holds' : 'fails'} there but not on its representative`);
  }
  for (const w of compiled.witnesses) {
    if (w.reached(s) !== w.reached(rep)) fail(`witness ${w.name} is ${w.reached(s) ? '' : 'not '}reached there but not on its representative`);
  }
  if ((compiled.isFinal?.(s) ?? false) !== (compiled.isFinal?.(rep) ?? false)) fail('isFinal differs on its representative');
  const moves = successorClasses(compiled, canonicalize, s);
  const repMoves = successorClasses(compiled, canonicalize, rep);
  if (moves.length !== repMoves.length) fail(`${moves.length} moves are enabled there, ${repMoves.length} on its representative`);
  const theirs = new Map<string, number>();
  for (const m of repMoves) theirs.set(m.key, (theirs.get(m.key) ?? 0) + 1);
  for (const m of moves) {
    const n = theirs.get(m.key) ?? 0;
    if (n === 0) fail(`the state after ${m.move} has no counterpart among its representative's successors`);
    theirs.set(m.key, n - 1);
  }
}

/** Each enabled move of `s`, named, with its successor's representative's encoding. */
function successorClasses<S, C>(compiled: Compiled<S, C>, canonicalize: (s: S) => S, s: S): { move: string; key: string }[] {
  return enabledMoves(compiled, s).map((m) => ({
    move: `${m.action.stepKey}${m.choice === undefined ? '' : ` ${showChoice(m.action, m.choice)}`}`,
    key: encodeToArray(compiled.codec, canonicalize(applyWithImmer(m.action, s, m.choice))).join(),
  }));
}
