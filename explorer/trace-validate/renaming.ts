// The bijection between the log's concrete names and the model's ids, one per sort (and per owner
// pair for an owned sort), grown as the log is read. A renaming is a value: extending it gives a new
// one, and its key is canonical, so that the search can tell two nodes with the same state and the
// same renaming apart from two with different renamings.

export interface OwnerPair {
  readonly sort: string;
  readonly name: string;
  readonly id: string;
}

export interface Binding {
  readonly sort: string;
  readonly owner: OwnerPair | null;
  readonly name: string;
  readonly id: string;
}

const SEP = '\u0001';

/** Where a name is unique: its sort, and for an owned sort the owner's pair. */
export function scopeOf(sort: string, owner: OwnerPair | null): string {
  return owner === null ? sort : [sort, owner.sort, owner.name, owner.id].join(SEP);
}

const orderOf = (b: Binding): string => `${scopeOf(b.sort, b.owner)}${SEP}${SEP}${b.name}`;

export class Renaming {
  static readonly EMPTY = new Renaming([]);
  readonly key: string;

  private constructor(readonly bindings: readonly Binding[]) {
    this.key = bindings.map((b) => `${orderOf(b)}${SEP}${b.id}`).join('\u0002');
  }

  idOf(sort: string, owner: OwnerPair | null, name: string): string | undefined {
    const scope = scopeOf(sort, owner);
    return this.bindings.find((b) => b.name === name && scopeOf(b.sort, b.owner) === scope)?.id;
  }

  nameOf(sort: string, owner: OwnerPair | null, id: string): string | undefined {
    const scope = scopeOf(sort, owner);
    return this.bindings.find((b) => b.id === id && scopeOf(b.sort, b.owner) === scope)?.name;
  }

  /**
   * The renaming with `name` and `id` paired in their scope: itself when they already are, null when
   * either is paired with something else.
   */
  pair(sort: string, owner: OwnerPair | null, name: string, id: string): Renaming | null {
    const boundId = this.idOf(sort, owner, name);
    const boundName = this.nameOf(sort, owner, id);
    if (boundId === undefined && boundName === undefined) {
      const added: Binding = { sort, owner, name, id };
      return new Renaming([...this.bindings, added].sort((a, b) => (orderOf(a) < orderOf(b) ? -1 : orderOf(a) > orderOf(b) ? 1 : 0)));
    }
    return boundId === id && boundName === name ? this : null;
  }

  /** Without the pair, and without every pair of a sort it owns. */
  release(sort: string, owner: OwnerPair | null, name: string, id: string): Renaming {
    const scope = scopeOf(sort, owner);
    const owns = (o: OwnerPair | null): boolean => o !== null && o.sort === sort && o.name === name && o.id === id;
    const kept = this.bindings.filter((b) => !(b.name === name && b.id === id && scopeOf(b.sort, b.owner) === scope) && !owns(b.owner));
    return kept.length === this.bindings.length ? this : new Renaming(kept);
  }
}
