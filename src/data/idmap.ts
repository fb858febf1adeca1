/** A raw identifier as it appears at the edges: a MovieLens integer id or an imported string id. */
export type RawId = number | string;

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
