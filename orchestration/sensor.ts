import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { relative } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import type { MappingChoice } from "../pipelines/mappings/sources.ts";
import type { OwnMappings } from "../pipelines/mappings/manifest.ts";
import { sourceFiles } from "../pipelines/source.ts";
import { findSources } from "../pipelines/sources.ts";
import { ensureHistoryTables } from "./history.ts";

/**
 * What the sources folder holds, as one hash of each file's path, size and modification time: a new
 * or changed export changes it. (Landing itself compares content hashes; this only decides whether a
 * scheduled tick has anything to do.)
 */
export function sourcesSignature(dir: string, mappings: Readonly<Record<string, MappingChoice>> = {}, project?: OwnMappings): string {
  const files = [...new Set([...findSources(dir, mappings, project).values()].flat().flatMap(sourceFiles))].sort();
  const hash = createHash("sha256");
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(dir, file)}\0${size}\0${Math.floor(mtimeMs)}\n`);
  }
  return hash.digest("hex");
}

/** The signature of the sources the job's last good run landed. */
export async function lastLandedSignature(db: Warehouse, job: string): Promise<string | null> {
  await ensureHistoryTables(db);
  const row = await db.one<{ signature: string | null }>(
    "SELECT sources_signature AS signature FROM meta.runs WHERE job = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1",
    [job],
  );
  return row?.signature ?? null;
}

/** The tick the job last ran for. */
export async function lastScheduledTick(db: Warehouse, job: string): Promise<Date | null> {
  await ensureHistoryTables(db);
  const row = await db.one<{ tick: string | null }>(
    "SELECT {{ format_time(max(scheduled_for), '%Y-%m-%dT%H:%M:%SZ') }} AS tick FROM meta.runs WHERE job = $1",
    [job],
  );
  return row?.tick ? new Date(row.tick) : null;
}
