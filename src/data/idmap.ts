/** A raw identifier as it appears at the edges: a MovieLens integer id or an imported string id. */
export type RawId = number | string;

/**
 * A raw id from text: a plain decimal integer without sign or leading zeros ("42", "0") that is a
 * safe integer becomes a number, as MovieLens ids are, so typed-in and file ids agree; anything else
 * ("042", "u1", "1.5", "-3", "", "9007199254740993") stays the string as given.
 */
export function toRawId(text: string): RawId {
  if (!/^(0|[1-9]\d*)$/.test(text)) return text;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

/**
 * Two-way map between raw ids and dense indices 0..size-1. Models only ever see dense indices;
 * raw ids are translated here, at the edges (loaders, CLI, API).
 */
export class IdMap {
  private readonly toIndex = new Map<RawId, number>();
  private readonly raw: RawId[] = [];

  static from(ids: Iterable<RawId>): IdMap {
    const map = new IdMap();
    for (const id of ids) map.add(id);
    return map;
  }

  get size(): number {
    return this.raw.length;
  }

  /** Index of `id`, adding it when new. */
  add(id: RawId): number {
    let index = this.toIndex.get(id);
    if (index === undefined) {
      index = this.raw.length;
      this.toIndex.set(id, index);
      this.raw.push(id);
    }
    return index;
  }

  /** Index of `id`, or -1 when unknown. */
  index(id: RawId): number {
    return this.toIndex.get(id) ?? -1;
  }

  has(id: RawId): boolean {
    return this.toIndex.has(id);
  }

  rawId(index: number): RawId {
    const id = this.raw[index];
    if (id === undefined)
      throw new RangeError(`IdMap.rawId: index ${index} out of range 0..${this.size - 1}`);
    return id;
  }

  rawIds(): readonly RawId[] {
    return this.raw;
  }

  toJSON(): RawId[] {
    return this.raw.slice();
  }
}
