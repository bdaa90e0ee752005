import DataLoader from 'dataloader';

/**
 * A per-request loader of rows by key: one query for all keys asked in the same tick,
 * results in the order asked, `null` for a key with no row.
 */
export function keyedLoader<K extends string, V>(
  fetchMany: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetchMany(keys);
    const byKey = new Map(rows.map((row) => [keyOf(row), row] as const));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** keyedLoader by `id` over a repository's findManyByIds: the by-id loader every subgraph builds. */
export function byIdLoader<V extends { id: string }>(findManyByIds: (ids: readonly string[]) => Promise<V[]>): DataLoader<string, V | null> {
  return keyedLoader(findManyByIds, (row) => row.id);
}

/** A per-request loader of lists grouped by key (e.g. verifications of many users in one query). */
export function groupedLoader<K extends string, V>(
  fetchMany: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await fetchMany(keys);
    const groups = new Map<K, V[]>();
    for (const row of rows) {
      const key = keyOf(row);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(row);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}
