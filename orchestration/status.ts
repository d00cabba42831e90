import { type Source, sourceFiles } from "../pipelines/source.ts";
import { statSync } from "node:fs";
import { latestLandedFiles, vanishedFiles } from "../pipelines/loads.ts";
import type { Config } from "../project/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Asset } from "./asset.ts";
import { newestDataSql, tableNames } from "../pipelines/contracts/index.ts";
import { assetHistory, ensureHistoryTables } from "./history.ts";
import { assetFingerprint, runSignature } from "./signature.ts";

export interface AssetStatus {
  asset: string;
  kind: Asset["kind"];
  /** "fresh", or "stale" with reasons. */
  state: "fresh" | "stale";
  /** The last good materialisation (ISO, UTC), its rows and checks. */
  last_built: string | null;
  age_hours: number | null;
  max_age_hours: number;
  rows: number | null;
  checks: string | null;
  /** The last attempt, when it did not succeed. */
  last_failure: string | null;
  /** Landing tables: the newest moment the rows record (not when they landed), and its age. */
  newest_data: string | null;
  data_age_hours: number | null;
  reasons: string[];
}

/**
 * Every asset with its last materialisation and why it is stale, if it is: never built, its last
 * attempt failed, older than its max age, an input refreshed after it, or (raw tables) a newer file
 * waiting in the sources folder.
 */
export async function assetStatus(
  db: Warehouse,
  config: Config,
  graph: readonly Asset[],
  options: { now?: Date; sources?: ReadonlyMap<string, readonly Source[]> } = {},
): Promise<AssetStatus[]> {
  if (!db.readOnly) await ensureHistoryTables(db);
  const now = options.now ?? new Date();
  const history = await assetHistory(db);
  const builtAt = (name: string) => history.get(name)?.built?.at;
  const newest = new Map<string, string>();
  const allLanded = await Promise.all(tableNames.map((t) => db.tableExists("raw", t)));
  if (allLanded.every(Boolean)) {
    const rows = await db.all<{ table_name: string; newest: string | null }>(
      `SELECT table_name, {{ format_time(newest, '%Y-%m-%dT%H:%M:%SZ') }} AS newest FROM (${newestDataSql()}) AS newest_rows`,
    );
    for (const r of rows) if (r.newest) newest.set(`raw.${r.table_name}`, r.newest);
  }
  // Landed files no longer where they were: their rows are kept, and the table is not what the folder holds.
  const vanished = new Map<string, string[]>();
  if (await db.tableExists("meta", "loads")) {
    for (const { table_name, file } of vanishedFiles(await latestLandedFiles(db))) {
      vanished.set(`raw.${table_name}`, [...(vanished.get(`raw.${table_name}`) ?? []), file]);
    }
  }
  // A model or page built with other code, project files or config than now would be rebuilt by the next run.
  const signature = runSignature(config, db.dialect.name);
  return graph.map((asset) => {
    const { built: good, confirmedAt, failed: bad } = history.get(asset.name) ?? {};
    const maxAge = config.freshness.assets[asset.name] ?? config.freshness.maxAgeHours;
    const reasons: string[] = [];
    const at = builtAt(asset.name);
    const confirmed = Math.max(at ?? 0, confirmedAt ?? 0);
    const age = at === undefined ? null : (now.getTime() - confirmed) / 3_600_000;
    if (at === undefined) reasons.push("never materialised");
    const failedLater = bad && (at === undefined || bad.at > at);
    if (failedLater)
      reasons.push(bad.status === "skipped" ? `last run skipped it: ${bad.error}` : `last attempt failed: ${firstLine(bad.error)}`);
    if (age !== null && age > maxAge) reasons.push(`older than its max age (${age.toFixed(1)} h > ${maxAge} h)`);
    if (at !== undefined) {
      const newer = asset.inputs.filter((input) => (builtAt(input) ?? 0) > at);
      if (newer.length) reasons.push(`refreshed after it: ${newer.join(", ")}`);
    }
    if (asset.kind === "raw" && at !== undefined) {
      const table = asset.name.slice("raw.".length);
      // A file looked at since (landed, or found unchanged) is not waiting.
      const waiting = (options.sources?.get(table) ?? []).flatMap(sourceFiles).filter((file) => statSync(file).mtimeMs > confirmed);
      if (waiting.length) reasons.push(`newer file(s) waiting: ${waiting.join(", ")}`);
    }
    const fingerprint = good?.fingerprint;
    if ((asset.kind === "model" || asset.kind === "page") && fingerprint && fingerprint !== assetFingerprint(asset, signature)) {
      reasons.push(
        asset.model ? "its SQL, the code or the config changed since it was built" : "the code or the config changed since it was built",
      );
    }
    const gone = vanished.get(asset.name);
    if (gone) reasons.push(`landed file(s) no longer in their folder, their rows kept: ${gone.join(", ")}`);
    return {
      asset: asset.name,
      kind: asset.kind,
      state: reasons.length ? "stale" : "fresh",
      last_built: good?.finishedAt ?? null,
      age_hours: age === null ? null : Math.round(age * 100) / 100,
      max_age_hours: maxAge,
      rows: good?.rows ?? null,
      checks: good?.checks ?? null,
      last_failure: failedLater ? firstLine(bad.error) : null,
      newest_data: newest.get(asset.name) ?? null,
      data_age_hours: newest.has(asset.name)
        ? Math.round(((now.getTime() - Date.parse(newest.get(asset.name) ?? "")) / 3_600_000) * 100) / 100
        : null,
      reasons,
    };
  });
}

const firstLine = (text: string | null) => (text ?? "").split("\n")[0] ?? "";
