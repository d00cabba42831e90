import type { Warehouse } from "../core/warehouse.ts";

/** Run history and asset materialisations, in the warehouse, so `bellwether status` can answer "how fresh, and from what?". */
export async function ensureHistoryTables(db: Warehouse): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS meta");
  await db.run(`CREATE TABLE IF NOT EXISTS meta.runs (
    run_id VARCHAR, job VARCHAR, selection VARCHAR, trigger VARCHAR, scheduled_for TIMESTAMP, pid INTEGER,
    started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, error VARCHAR, sources_signature VARCHAR)`);
  await db.run(`CREATE TABLE IF NOT EXISTS meta.materializations (
    run_id VARCHAR, asset VARCHAR, kind VARCHAR, status VARCHAR, rows BIGINT, seconds DOUBLE PRECISION, checks VARCHAR,
    error VARCHAR, finished_at TIMESTAMP)`);
  // What the asset was built with (orchestration/signature.ts); warehouses from before it gain the column.
  await db.run("ALTER TABLE meta.materializations ADD COLUMN IF NOT EXISTS fingerprint VARCHAR");
  // The inputs an incremental model's published table was built from, month by month (models/incremental.ts).
  await db.run(`CREATE TABLE IF NOT EXISTS meta.model_partitions (
    model VARCHAR NOT NULL, input VARCHAR NOT NULL, month_index INTEGER NOT NULL, fingerprint VARCHAR NOT NULL)`);
}

export interface RunRecord {
  runId: string;
  job: string;
  selection: string | null;
  trigger: "manual" | "schedule";
  scheduledFor: Date | null;
  sourcesSignature: string | null;
}

export async function startRun(db: Warehouse, run: RunRecord): Promise<void> {
  await db.run("INSERT INTO meta.runs VALUES ($1, $2, $3, $4, $5::TIMESTAMP, $6, now()::TIMESTAMP, NULL, 'running', NULL, $7)", [
    run.runId,
    run.job,
    run.selection,
    run.trigger,
    run.scheduledFor?.toISOString() ?? null,
    process.pid,
    run.sourcesSignature,
  ]);
}

export async function finishRun(db: Warehouse, runId: string, status: "succeeded" | "failed", error: string | null): Promise<void> {
  await db.run("UPDATE meta.runs SET finished_at = now()::TIMESTAMP, status = $2, error = $3 WHERE run_id = $1", [runId, status, error]);
}

export interface MaterializationRecord {
  asset: string;
  kind: string;
  /** "unchanged": its inputs and what it is made with are as they were when it was last built; left as it is. */
  status: "built" | "unchanged" | "failed" | "skipped";
  rows: number | null;
  seconds: number;
  checks: string | null;
  error: string | null;
  fingerprint?: string | null;
}

export async function recordMaterialization(db: Warehouse, runId: string, m: MaterializationRecord): Promise<void> {
  await db.run(
    `INSERT INTO meta.materializations (run_id, asset, kind, status, rows, seconds, checks, error, finished_at, fingerprint)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()::TIMESTAMP, $9)`,
    [runId, m.asset, m.kind, m.status, m.rows, m.seconds, m.checks, m.error, m.fingerprint ?? null],
  );
}

/** Each asset's last good build: when, with what, and whether a later attempt failed or was skipped. */
export interface LastBuild {
  builtAt: number;
  fingerprint: string | null;
  failedSince: boolean;
}

/** Adds to what a run's asset checked, once the run is over (the alerts' webhook, sent after it). */
export async function appendChecks(db: Warehouse, runId: string, asset: string, checks: string): Promise<void> {
  await db.run(
    "UPDATE meta.materializations SET checks = CASE WHEN checks IS NULL OR checks = '' THEN $3 ELSE checks || '; ' || $3 END WHERE run_id = $1 AND asset = $2",
    [runId, asset, checks],
  );
}

/**
 * The last good build of every asset, from the run history and, for landing tables, the files
 * `bellwether ingest` landed outside a run (a landing after a model was built makes the model out of date).
 */
export async function lastBuilds(db: Warehouse): Promise<Map<string, LastBuild>> {
  const loads = (await db.tableExists("meta", "loads"))
    ? "UNION ALL SELECT 'raw.' || table_name, 'built', started_at, NULL FROM meta.loads WHERE status = 'landed'"
    : "";
  const rows = await db.all<{ asset: string; built: string | null; fingerprint: string | null; failed: string | null }>(`
    WITH history AS (
      SELECT asset, status, finished_at, fingerprint FROM meta.materializations WHERE finished_at IS NOT NULL ${loads}
    ),
    good AS (
      SELECT asset, finished_at, fingerprint, row_number() OVER (PARTITION BY asset ORDER BY finished_at DESC) AS n
      FROM history WHERE status = 'built'
    ),
    bad AS (SELECT asset, max(finished_at) AS failed_at FROM history WHERE status IN ('failed', 'skipped') GROUP BY asset)
    SELECT g.asset, {{ format_time(g.finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') }} AS built, g.fingerprint,
      {{ format_time(b.failed_at, '%Y-%m-%dT%H:%M:%S.%gZ') }} AS failed
    FROM good AS g LEFT JOIN bad AS b ON b.asset = g.asset
    WHERE g.n = 1`);
  const builds = new Map(
    rows.map((r) => {
      const builtAt = Date.parse(r.built ?? "");
      return [r.asset, { builtAt, fingerprint: r.fingerprint, failedSince: r.failed !== null && Date.parse(r.failed) >= builtAt }];
    }),
  );
  // meta.loads, which the quality page reads, changes with every file landed or refused.
  if (await db.tableExists("meta", "loads")) {
    const last = await db.one<{ at: string | null }>(
      "SELECT {{ format_time(max(started_at), '%Y-%m-%dT%H:%M:%S.%gZ') }} AS at FROM meta.loads WHERE status <> 'skipped'",
    );
    if (last?.at) builds.set("meta.loads", { builtAt: Date.parse(last.at), fingerprint: null, failedSince: false });
  }
  return builds;
}

/**
 * A run still marked running when we hold the warehouse was killed (only one process can open it):
 * say so, and clear the half-built tables it left under temporary names.
 */
export async function recoverAbandonedRuns(db: Warehouse): Promise<number> {
  const abandoned = await db.all<{ run_id: string }>("SELECT run_id FROM meta.runs WHERE status = 'running'");
  if (abandoned.length) {
    await db.run(
      "UPDATE meta.runs SET status = 'abandoned', error = 'the process stopped before the run finished' WHERE status = 'running'",
    );
  }
  const leftovers = await db.all<{ table_schema: string; table_name: string; table_type: string }>(
    "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema IN ($1, $2) AND table_name LIKE '\\_\\_building\\_%' ESCAPE '\\'",
    [db.schemaName("staging"), db.schemaName("marts")],
  );
  for (const t of leftovers)
    await db.run(`DROP ${t.table_type === "VIEW" ? "VIEW" : "TABLE"} IF EXISTS "${t.table_schema}"."${t.table_name}"`);
  return abandoned.length;
}
