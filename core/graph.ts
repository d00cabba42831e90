/**
 * Items in dependency order: each after the items it reads. Inputs that are not items (raw tables,
 * config, SQL functions) are ignored. A cycle is refused with its path: "models form a cycle: a → b → a".
 */
export function dependencyOrder<T>(
  items: readonly T[],
  key: (item: T) => string,
  inputs: (item: T) => readonly string[],
  noun: string,
): T[] {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const order: T[] = [];
  const done = new Set<string>();
  const visit = (item: T, path: readonly string[]) => {
    const id = key(item);
    if (done.has(id)) return;
    if (path.includes(id)) throw new Error(`${noun} form a cycle: ${[...path, id].join(" → ")}`);
    for (const input of inputs(item)) {
      const upstream = byKey.get(input);
      if (upstream !== undefined) visit(upstream, [...path, id]);
    }
    done.add(id);
    order.push(item);
  };
  for (const item of items) visit(item, []);
  return order;
}
