import { renderSql } from "../engines/index.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { stagedSql } from "./build.ts";
import type { Model } from "./model.ts";

/** input → month index → fingerprint of that input's rows in that month. */
export type MonthFingerprints = Map<string, Map<number, string>>;

/** The fingerprint of each month of each input an incremental model reads by month, as they are now. */
export async function monthFingerprints(db: Warehouse, model: Model, readable: (table: string) => string): Promise<MonthFingerprints> {
  const out: MonthFingerprints = new Map();
  for (const { input, month } of model.incremental?.inputs ?? []) {
    const sql = renderSql(
      `SELECT CAST(${month} AS INTEGER) AS month_index, {{ row_fingerprint(t) }} AS fingerprint FROM ${readable(input)} AS t GROUP BY 1`,
      db.dialect,
      model.file,
    );
    const rows = await db.all<{ month_index: number | null; fingerprint: string }>(sql);
    // Rows of no month (a null date) are read by no month either.
    out.set(input, new Map(rows.filter((r) => r.month_index !== null).map((r) => [Number(r.month_index), r.fingerprint])));
  }
  return out;
}

/** The fingerprints recorded when the model's published table was built; empty when none were. */
export async function recordedFingerprints(db: Warehouse, model: Model): Promise<MonthFingerprints> {
  const rows = await db.all<{ input: string; month_index: number; fingerprint: string }>(
    "SELECT input, month_index, fingerprint FROM meta.model_partitions WHERE model = $1",
    [model.id],
  );
  const out: MonthFingerprints = new Map();
  for (const row of rows) {
    const months = out.get(row.input) ?? new Map<number, string>();
    months.set(Number(row.month_index), row.fingerprint);
    out.set(row.input, months);
  }
  return out;
}

/**
 * The output months to recompute: every month whose rows of some input differ between the two sets of
 * fingerprints (added, removed or changed), and the `reach` months after it that read it too. Sorted.
 */
export function monthsToRebuild(model: Model, recorded: MonthFingerprints, now: MonthFingerprints): number[] {
  const months = new Set<number>();
  for (const { input, reach } of model.incremental?.inputs ?? []) {
    const before = recorded.get(input) ?? new Map<number, string>();
    const after = now.get(input) ?? new Map<number, string>();
    for (const month of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(month) === after.get(month)) continue;
      for (let k = 0; k <= reach; k++) months.add(month + k);
    }
  }
  return [...months].sort((a, b) => a - b);
}

/** Replaces the model's recorded fingerprints (inside the transaction that publishes its table). */
export async function recordFingerprints(db: Warehouse, model: Model, fingerprints: MonthFingerprints): Promise<void> {
  await db.run("DELETE FROM meta.model_partitions WHERE model = $1", [model.id]);
  const rows = [...fingerprints].flatMap(([input, months]) => [...months].map(([month, fingerprint]) => ({ input, month, fingerprint })));
  // A few hundred rows at most (inputs × months): one statement of bound values.
  for (let from = 0; from < rows.length; from += 500) {
    const chunk = rows.slice(from, from + 500);
    const values = chunk.map((_, i) => `($1, $${i * 3 + 2}, $${i * 3 + 3}, $${i * 3 + 4})`).join(", ");
    await db.run(`INSERT INTO meta.model_partitions (model, input, month_index, fingerprint) VALUES ${values}`, [
      model.id,
      ...chunk.flatMap((r) => [r.input, r.month, r.fingerprint]),
    ]);
  }
}

export interface IncrementalPlan {
  /** The months to recompute; absent: build every month. */
  months?: number[];
  /** Months the inputs hold now. */
  monthCount: number;
  /** The inputs' fingerprints now: recorded when the table is published. */
  fingerprints: MonthFingerprints;
}

/**
 * How to build an incremental model: only the months whose inputs changed, when its published table was
 * built by the same code from inputs whose other tables (those not read by month) are unchanged, and its
 * fingerprints were recorded with it; every month otherwise.
 */
export async function planIncrementalBuild(
  db: Warehouse,
  model: Model,
  staged: ReadonlySet<string>,
  unchangedInputs: ReadonlySet<string> | undefined,
): Promise<IncrementalPlan> {
  const fingerprints = await monthFingerprints(db, model, (table) => stagedSql(table, staged));
  const monthCount = new Set([...fingerprints.values()].flatMap((months) => [...months.keys()])).size;
  const byMonth = new Set(model.incremental?.inputs.map((i) => i.input));
  const othersUnchanged = unchangedInputs !== undefined && model.inputs.every((input) => byMonth.has(input) || unchangedInputs.has(input));
  if (!othersUnchanged || !(await db.tableExists(model.schema, model.name))) return { monthCount, fingerprints };
  const recorded = await recordedFingerprints(db, model);
  if (recorded.size === 0) return { monthCount, fingerprints };
  return { months: monthsToRebuild(model, recorded, fingerprints), monthCount, fingerprints };
}
