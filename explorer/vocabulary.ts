// Vocabularies: the closed sets of labels a model's state holds (program counters, warning kinds)
// that a variant may extend. The model declares each with its own labels and reads it through
// `vocabulary(config, name, labels)` wherever its codec or steps need the whole set; a variant's
// added labels reach it through the config, so they are encoded like the model's own.

/** Labels a variant adds, by vocabulary name. */
export type Labels = Readonly<Record<string, readonly string[]>>;

/** The config field the explorer sets for a variant's labels (models never parse it). */
const FIELD = 'variantLabels';

/** The labels of vocabulary `name`: the model's own, then those its variants added, in order. */
export function vocabulary<L extends string>(config: unknown, name: string, labels: readonly L[]): readonly L[] {
  const added = (config as Record<string, Labels | undefined> | null)?.[FIELD]?.[name] ?? [];
  // A variant's label is a value of the model's type only for the variant's own steps.
  return added.length === 0 ? labels : [...labels, ...(added as readonly L[])];
}

/** The config with `labels` added to those it already carries. */
export function withLabels<C>(config: C, labels: Labels): C {
  const own = (config as Record<string, Labels | undefined>)[FIELD] ?? {};
  const merged = Object.fromEntries(
    [...new Set([...Object.keys(own), ...Object.keys(labels)])].map((k) => [k, [...(own[k] ?? []), ...(labels[k] ?? [])]]),
  );
  return { ...config, [FIELD]: merged };
}
