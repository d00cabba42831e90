import { closest, UsageError } from "../core/errors.ts";
import type { Asset } from "./asset.ts";

/**
 * `NAME` is that asset; `NAME+` adds everything downstream of it, `+NAME` everything upstream, and
 * `+NAME+` both. A bare name (`arr_movements`, `board`) matches the asset of that name in any layer,
 * when only one has it.
 */
export function selectAssets(assets: readonly Asset[], selector: string): Set<string> {
  const upstream = selector.startsWith("+");
  const downstream = selector.endsWith("+");
  const name = selector.slice(upstream ? 1 : 0, downstream ? -1 : undefined);
  const matches = assets.filter((a) => a.name === name || a.name.slice(a.name.indexOf(".") + 1) === name);
  if (matches.length > 1 && !matches.some((a) => a.name === name)) {
    throw new UsageError(`"${name}" is ambiguous: ${matches.map((a) => a.name).join(", ")}; give the full name`);
  }
  const asset = matches.find((a) => a.name === name) ?? matches[0];
  if (!asset) {
    const names = assets.map((a) => a.name);
    const hint =
      closest(name, names) ??
      closest(
        name,
        names.map((n) => n.slice(n.indexOf(".") + 1)),
      );
    throw new UsageError(`no asset named "${name}"${hint ? ` — did you mean "${hint}"?` : ""} (see bellwether status for every asset)`);
  }
  const selected = new Set([asset.name]);
  if (downstream) for (const n of walk(assets, asset.name, "down")) selected.add(n);
  if (upstream) for (const n of walk(assets, asset.name, "up")) selected.add(n);
  return selected;
}

/** Assets reachable from `start` following inputs (up) or readers (down). */
export function walk(assets: readonly Asset[], start: string, direction: "up" | "down"): Set<string> {
  const byName = new Map(assets.map((a) => [a.name, a]));
  const found = new Set<string>();
  let frontier = [start];
  while (frontier.length) {
    const next =
      direction === "down"
        ? assets.filter((a) => !found.has(a.name) && a.inputs.some((i) => frontier.includes(i))).map((a) => a.name)
        : frontier.flatMap((n) => byName.get(n)?.inputs ?? []).filter((i) => byName.has(i) && !found.has(i));
    for (const n of next) found.add(n);
    frontier = [...new Set(next)];
  }
  return found;
}
