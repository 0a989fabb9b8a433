// Deterministic variety for the local writer: the same input always picks the same
// phrasing, while different students, domains and slots pick differently.

/** FNV-1a, 32 bits: tiny, stable across runtimes, good enough to spread choices. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface Chooser {
  /** One option for a slot, fixed by the seed. */
  <T>(slot: string, options: readonly T[]): T;
  /**
   * The option for the position-th item of a list slot: consecutive items take
   * consecutive options, so a list never repeats a phrasing before exhausting them.
   */
  nth<T>(slot: string, position: number, options: readonly T[]): T;
}

export function createChooser(seed: string): Chooser {
  const pick = <T>(slot: string, offset: number, options: readonly T[]): T => {
    if (options.length === 0) throw new Error(`no options for slot ${slot}`);
    return options[(hashString(`${seed}|${slot}`) + offset) % options.length]!;
  };
  const choose = (<T>(slot: string, options: readonly T[]) => pick(slot, 0, options)) as Chooser;
  choose.nth = (slot, position, options) => pick(slot, position, options);
  return choose;
}
