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

/** What the history says of one asset: its last good build, the last run that confirmed it, its last failure. */
export interface AssetHistory {
  built?: { at: number; finishedAt: string; rows: number | null; checks: string | null; fingerprint: string | null };
  /** The last run that found its inputs unchanged, or (a landing table) the last load that found its file unchanged. */
  confirmedAt?: number;
  failed?: { at: number; finishedAt: string; status: "failed" | "skipped"; error: string | null };
}

/**
 * Every asset's history, from the run history and, for landing tables, the files `bellwether ingest`
 * landed outside a run: a landed file builds its table, a file skipped as unchanged confirms it. The one
 * reading of the history that runs (what to rebuild) and `status` (what is stale) share.
 */
export async function assetHistory(db: Warehouse): Promise<Map<string, AssetHistory>> {
  const parts = [
    (await db.tableExists("meta", "materializations")) &&
      "SELECT asset, status, rows, checks, error, finished_at, fingerprint FROM meta.materializations WHERE finished_at IS NOT NULL",
    (await db.tableExists("meta", "loads")) &&
      `SELECT 'raw.' || table_name, CASE status WHEN 'landed' THEN 'built' ELSE 'unchanged' END, NULL,
         'landed by bellwether ingest', NULL, started_at, NULL
       FROM meta.loads WHERE status IN ('landed', 'skipped')`,
  ].filter((part): part is string => typeof part === "string");
  if (parts.length === 0) return new Map();
  const rows = await db.all<{
    asset: string;
    status: string;
    rows: number | null;
    checks: string | null;
    error: string | null;
    finished_at: string;
    fingerprint: string | null;
  }>(`
    SELECT asset, status, rows, checks, error, {{ format_time(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') }} AS finished_at, fingerprint
    FROM (
      SELECT h.*, row_number() OVER (PARTITION BY asset, status ORDER BY finished_at DESC) AS n
      FROM (${parts.join(" UNION ALL ")}) AS h(asset, status, rows, checks, error, finished_at, fingerprint)
    ) AS latest
    WHERE n = 1`);
  const history = new Map<string, AssetHistory>();
  for (const r of rows) {
    const entry = history.get(r.asset) ?? {};
    const at = Date.parse(r.finished_at);
    if (r.status === "built") entry.built = { at, finishedAt: r.finished_at, rows: r.rows, checks: r.checks, fingerprint: r.fingerprint };
    else if (r.status === "unchanged") entry.confirmedAt = at;
    else if ((r.status === "failed" || r.status === "skipped") && !(entry.failed && entry.failed.at >= at))
      entry.failed = { at, finishedAt: r.finished_at, status: r.status, error: r.error };
    history.set(r.asset, entry);
  }
  return history;
}

/** The last good build of every asset (see assetHistory), and meta.loads's: the last file landed or refused. */
export async function lastBuilds(db: Warehouse): Promise<Map<string, LastBuild>> {
  const builds = new Map<string, LastBuild>();
  for (const [asset, { built, failed }] of await assetHistory(db)) {
    if (built)
      builds.set(asset, { builtAt: built.at, fingerprint: built.fingerprint, failedSince: failed !== undefined && failed.at >= built.at });
  }
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
