import { closest, UsageError } from "../core/errors.ts";
import { dependencyOrder } from "../core/graph.ts";
import type { Model } from "./model.ts";

/** Models in build order: every model after the models it reads. A cycle is refused and named. */
export function buildOrder(models: readonly Model[]): Model[] {
  return dependencyOrder(
    models,
    (m) => m.id,
    (m) => m.inputs,
    "models",
  );
}

/** Models that read `id`, directly or through others. */
export function downstreamOf(models: readonly Model[], id: string): Set<string> {
  const found = new Set<string>();
  let frontier = [id];
  while (frontier.length) {
    const next = models.filter((m) => !found.has(m.id) && m.inputs.some((i) => frontier.includes(i))).map((m) => m.id);
    for (const n of next) found.add(n);
    frontier = next;
  }
  return found;
}

/** `NAME` is that model; `NAME+` adds everything downstream of it. Bare names match any schema. */
export function selectModels(models: readonly Model[], selector: string): Set<string> {
  const withDownstream = selector.endsWith("+");
  const name = withDownstream ? selector.slice(0, -1) : selector;
  const model = models.find((m) => m.id === name || m.name === name);
  if (!model) {
    const names = models.map((m) => m.name);
    const hint = closest(name, names);
    throw new UsageError(`no model named "${name}"${hint ? ` — did you mean "${hint}"?` : ""} (models: ${names.join(", ")})`);
  }
  const selected = new Set([model.id]);
  if (withDownstream) for (const id of downstreamOf(models, model.id)) selected.add(id);
  return selected;
}
