// DESIGN "The house": each layer imports only the layers below it, and no files import each other in a
// circle. This reads every import of the package's own files and lists what breaks either rule.
//
//   npx tsx test/support/house.ts      # prints the upward imports, circles and module-level `let`s; exit 1 on any
//
// test/house.test.ts runs it in `npm test`. It also names module-level `let`/`var`: a project is a value
// handed down (DESIGN "The house"), so no module keeps state that changes what a later call sees.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** What each layer may import (DESIGN's table); orchestration, cli and the public API may import all. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  engines: [],
  core: ["engines"],
  pipelines: ["core", "engines"],
  models: ["core", "engines"],
  metrics: ["core", "engines"],
  alerts: ["metrics", "core", "engines"],
  dashboards: ["metrics", "core", "engines"],
  project: ["engines", "core", "pipelines", "models", "metrics", "alerts", "dashboards"],
};
const LAYERS = [...Object.keys(MAY_IMPORT), "orchestration", "cli"];

function sources(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file (static, re-export and dynamic), as the file it names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1] as string);
  return specifiers.map((s) => resolve(dirname(file), s)).filter((f) => f.endsWith(".ts"));
}

export interface HouseReport {
  upward: string[];
  circles: string[][];
  /** `file:line` of each module-level `let` or `var`. */
  mutable: string[];
}

/** The house of the package at `root` (this repository by default; a test gives a small one of its own). */
export function inspectHouse(root = ROOT): HouseReport {
  const layerOf = (file: string) => relative(root, file).split("/")[0] as string;
  const files = [...LAYERS.flatMap((layer) => sources(join(root, layer))), join(root, "index.ts")].filter((f) =>
    statSync(f, { throwIfNoEntry: false }),
  );
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const upward: string[] = [];
  for (const [file, imports] of graph) {
    const allowed = MAY_IMPORT[layerOf(file)];
    if (!allowed) continue;
    for (const target of imports) {
      const layer = layerOf(target);
      if (layer !== layerOf(file) && !allowed.includes(layer)) upward.push(`${relative(root, file)} → ${relative(root, target)}`);
    }
  }
  const mutable = files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) => (/^(export\s+)?(let|var)\s/.test(line) ? [`${relative(root, file)}:${i + 1}`] : [])),
  );
  return { upward: upward.sort(), circles: circles(graph, root), mutable };
}

/** Strongly connected components of more than one file (Tarjan), each in a stated order. */
function circles(graph: ReadonlyMap<string, readonly string[]>, root: string): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        component.push(relative(root, w));
        if (w === v) break;
      }
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { upward, circles: loops, mutable } = inspectHouse();
  for (const line of upward) process.stdout.write(`upward: ${line}\n`);
  for (const loop of loops) process.stdout.write(`circle: ${loop.join(" ↔ ")}\n`);
  for (const place of mutable) process.stdout.write(`module-level let: ${place}\n`);
  process.stdout.write(`${upward.length} upward import(s), ${loops.length} circle(s), ${mutable.length} module-level let(s)\n`);
  process.exitCode = upward.length || loops.length || mutable.length ? 1 : 0;
}
