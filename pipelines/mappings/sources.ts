import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../core/errors.ts";
import type { TableName } from "../contracts/index.ts";
import { findInputFile } from "./inputs.ts";
import { knownFormats, loadMapping, type Mapping, type OwnMappings, resolveParams } from "./manifest.ts";
import { crosswalkIn, inputsOf, type MappedSource } from "./reader.ts";

export interface MappingChoice {
  /** A shipped format or the path of a mapping folder. */
  mapping?: string;
  params?: Readonly<Record<string, string>>;
}

/**
 * The tables one vendor folder gives through a mapping: one source per output whose driving file is
 * there (and whose `when` matches the parameters). `root` is where a shared crosswalk.csv may sit.
 */
export function mappedSources(
  dir: string,
  formatOrPath: string,
  params: Readonly<Record<string, string>> = {},
  root = dir,
  project?: OwnMappings,
): MappedSource[] {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InputError(`${dir}: vendor folder not found`);
  const mapping: Mapping = loadMapping(formatOrPath, project);
  const resolved = resolveParams(mapping, params);
  const out: MappedSource[] = [];
  for (const [table, output] of Object.entries(mapping.manifest.outputs) as [
    TableName,
    NonNullable<Mapping["manifest"]["outputs"][TableName]>,
  ][]) {
    if (Object.entries(output.when ?? {}).some(([key, value]) => resolved[key] !== value)) continue;
    const driving = findInputFile(folder, mapping.manifest.inputs[output.from] as never);
    if (!driving) continue;
    const source: MappedSource = { kind: "mapped", mapping, table, dir: folder, params: resolved, path: driving };
    const crosswalk = crosswalkIn(folder, resolve(root));
    out.push(crosswalk ? { ...source, crosswalk } : source);
  }
  // A folder that gives nothing is a folder of other files (customer_data.csv), not an empty export.
  if (out.length === 0) {
    const expected = [
      ...new Set(
        Object.values(mapping.manifest.outputs).map((o) => `${(mapping.manifest.inputs[o.from]?.files ?? [o.from]).join(" or ")}.csv`),
      ),
    ];
    const found = readdirSync(folder).sort();
    throw new InputError(
      `${dir}: no file the ${mapping.manifest.format} mapping reads (it looks for ${expected.join(", ")}, also .parquet or .gz, any case); the folder has ${found.length ? found.slice(0, 12).join(", ") + (found.length > 12 ? ", …" : "") : "no files"}. Nothing was landed.`,
    );
  }
  return out;
}

/** Sub-folders of a sources folder that a mapping reads: format names (shipped and the project's), and the config's own. */
export function vendorFolders(
  root: string,
  choices: Readonly<Record<string, MappingChoice>>,
  project?: OwnMappings,
): [string, string, MappingChoice][] {
  const formats = new Set(knownFormats(project).keys());
  return readdirSync(root)
    .filter((entry) => statSync(join(root, entry)).isDirectory() && (formats.has(entry) || choices[entry]?.mapping))
    .sort()
    .map((entry) => [join(root, entry), choices[entry]?.mapping ?? entry, choices[entry] ?? {}]);
}

/** Every vendor file a mapped source reads (for change detection). */
export function mappedFiles(source: MappedSource): string[] {
  const files = inputsOf(source)
    .map((name) => findInputFile(source.dir, source.mapping.manifest.inputs[name] as never))
    .filter((f): f is string => Boolean(f));
  return source.crosswalk ? [...files, source.crosswalk] : files;
}
