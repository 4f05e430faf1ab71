// What the CLI can name without a path: models, configs and variants, each a module or JSON file
// relative to the repository root. The explorer receives a catalog; it never imports the spec.

export interface Catalog {
  /** The config `sva-check explore` runs when none is named. */
  readonly defaultConfig: string;
  /** Model name → module whose default export is a `Model`. */
  readonly models: Readonly<Record<string, string>>;
  /** Folder of `NAME.json` config files. */
  readonly configsDir: string;
  /** Variant id → module whose default export is a `Variant`. */
  readonly variants: Readonly<Record<string, string>>;
}
