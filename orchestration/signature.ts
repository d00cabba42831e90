import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../project/config.ts";
import { PACKAGE_ROOT } from "../core/declared.ts";
import type { Asset } from "./asset.ts";

const CODE = ["alerts", "cli", "core", "dashboards", "engines", "metrics", "models", "orchestration", "pipelines"];
const PROJECT = ["models", "metrics", "pages", "mappings", "alerts"];

/** Every source file under a folder, in a stated order (sorted paths). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((entry) => join(dir, entry))
    .filter((file) => /\.(ts|sql|css|json)$/.test(file) && statSync(file).isFile())
    .sort();
}

/**
 * What every asset of a run is made with besides its inputs' data: Bellwether's code, the project's
 * files, the config and the engine. A run skips an asset only when this is the one it was last built
 * with, so new code, a new model or metric, or a changed setting rebuilds everything it could touch.
 */
export function runSignature(config: Config, engine: string): string {
  const hash = createHash("sha256").update(engine).update(JSON.stringify(config));
  const project = config.root === PACKAGE_ROOT ? [] : PROJECT.map((folder) => join(config.root, folder));
  for (const file of [...CODE.map((folder) => join(PACKAGE_ROOT, folder)), ...project].flatMap(filesUnder)) {
    hash.update(file).update(readFileSync(file));
  }
  return hash.digest("hex");
}

/** What one asset is made with: the run's signature, and a model's own SQL (the graph may hold a model that is not the file on disk). */
export function assetFingerprint(asset: Pick<Asset, "model">, signature: string): string {
  return asset.model
    ? createHash("sha256").update(signature).update(asset.model.sql).update(JSON.stringify(asset.model.overrides)).digest("hex")
    : signature;
}
