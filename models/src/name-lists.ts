/**
 * One frozen list for each list of names in its order, shared by everything that keeps the same
 * names (a device type's metrics: 10,000 devices' windows or twins share a handful of lists, not
 * an array each). Past `maxShared` lists, a new one is its holder's own, so names chosen at will
 * cannot grow the table.
 */
export class NameLists {
  private readonly lists = new Map<string, readonly string[]>();

  constructor(private readonly maxShared = 1_000) {}

  /** How many lists are shared. */
  get size(): number {
    return this.lists.size;
  }

  /** The one frozen list of these names in this order, at its length. */
  of(names: readonly string[]): readonly string[] {
    // each name prefixed by its length: no two lists share a key, whatever the names hold
    let key = '';
    for (const name of names) key += `${name.length}:${name}`;
    const shared = this.lists.get(key);
    if (shared) return shared;
    const list = new Array<string>(names.length);
    for (let i = 0; i < names.length; i++) list[i] = names[i];
    Object.freeze(list);
    if (this.lists.size < this.maxShared) this.lists.set(key, list);
    return list;
  }
}
