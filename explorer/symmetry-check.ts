// A model's `canonicalize` is trusted by the search: a representative stands for its whole class.
// This checks, on a state, what that trust needs: the representative is its own representative, and
// every invariant, witness and `isFinal` says the same of it as of the state, and the same number
// of moves is enabled in both. (A canonicalize that sorts processes while an invariant singles one
// out gives a counterexample whose last state does not violate it.)
import { encodeToArray } from './codec.ts';
import { enabledMoves, type Compiled } from './compile.ts';
import { ModelError } from './errors.ts';

export function checkCanonicalize<S, C>(compiled: Compiled<S, C>, s: S, where: string): void {
  const canonicalize = compiled.canonicalize;
  if (!canonicalize) return;
  const fail = (what: string): never => {
    throw new ModelError(`model ${compiled.model.name}: canonicalize is not a symmetry of ${where}: ${what}`);
  };
  const rep = canonicalize(s);
  const again = canonicalize(rep);
  if (encodeToArray(compiled.codec, again).join() !== encodeToArray(compiled.codec, rep).join()) fail('the representative is not its own representative');
  for (const inv of compiled.invariants) {
    if (inv.holds(s) !== inv.holds(rep)) fail(`invariant ${inv.name} ${inv.holds(s) ? 'holds' : 'fails'} there but not on its representative`);
  }
  for (const w of compiled.witnesses) {
    if (w.reached(s) !== w.reached(rep)) fail(`witness ${w.name} is ${w.reached(s) ? '' : 'not '}reached there but not on its representative`);
  }
  if ((compiled.isFinal?.(s) ?? false) !== (compiled.isFinal?.(rep) ?? false)) fail('isFinal differs on its representative');
  const moves = enabledMoves(compiled, s).length;
  const repMoves = enabledMoves(compiled, rep).length;
  if (moves !== repMoves) fail(`${moves} moves are enabled there, ${repMoves} on its representative`);
}
