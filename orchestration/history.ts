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
  status: "built" | "failed" | "skipped";
  rows: number | null;
  seconds: number;
  checks: string | null;
  error: string | null;
}

export async function recordMaterialization(db: Warehouse, runId: string, m: MaterializationRecord): Promise<void> {
  await db.run("INSERT INTO meta.materializations VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()::TIMESTAMP)", [
    runId,
    m.asset,
    m.kind,
    m.status,
    m.rows,
    m.seconds,
    m.checks,
    m.error,
  ]);
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
