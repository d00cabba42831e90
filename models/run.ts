import type { Config } from "../core/config.ts";
import { step } from "../core/log.ts";
import { ident, type Warehouse } from "../core/warehouse.ts";
import { writeConfigTables } from "./config-tables.ts";
import { failingRowsSql } from "./data-tests.ts";
import { buildOrder, selectModels } from "./graph.ts";
import { type Model, readModels } from "./model.ts";

export interface ModelResult {
  model: string;
  status: "built" | "failed" | "skipped";
  rows: number;
  seconds: number;
  error?: string;
}

export interface RunModelsOptions {
  /** `NAME` or `NAME+` (the model and everything downstream); all models when absent. */
  select?: string;
  models?: Model[];
}

/**
 * Builds models in dependency order. Each is built under a temporary name, its data tests run, and
 * only then is it swapped in, so a failure leaves the previous table readable. A failed model skips
 * everything downstream of it and nothing else.
 */
export async function runModels(db: Warehouse, config: Config, options: RunModelsOptions = {}): Promise<ModelResult[]> {
  const models = options.models ?? readModels();
  const selected = options.select ? selectModels(models, options.select) : undefined;
  await writeConfigTables(db, config);
  await db.run("CREATE SCHEMA IF NOT EXISTS staging; CREATE SCHEMA IF NOT EXISTS marts");
  const broken = new Set<string>();
  const results: ModelResult[] = [];
  for (const model of buildOrder(models)) {
    if (selected && !selected.has(model.id)) continue;
    const blockedBy = model.inputs.find((input) => broken.has(input));
    if (blockedBy) {
      broken.add(model.id);
      results.push({ model: model.id, status: "skipped", rows: 0, seconds: 0, error: `skipped: ${blockedBy} failed` });
      continue;
    }
    const started = performance.now();
    try {
      const rows = await step(
        model.id,
        () => buildModel(db, model),
        (n) => `${n.toLocaleString("en-US")} rows`,
      );
      results.push({ model: model.id, status: "built", rows, seconds: (performance.now() - started) / 1000 });
    } catch (error) {
      broken.add(model.id);
      results.push({
        model: model.id,
        status: "failed",
        rows: 0,
        seconds: (performance.now() - started) / 1000,
        error: (error as Error).message,
      });
    }
  }
  return results;
}

/** Builds one model under a temporary name, runs its data tests, and swaps it in; returns its rows. */
export async function buildModel(db: Warehouse, model: Model): Promise<number> {
  const building = `${model.schema}.${ident(`__building_${model.name}`)}`;
  const final = `${model.schema}.${ident(model.name)}`;
  const kind = model.materialized === "view" ? "VIEW" : "TABLE";
  try {
    await db.run(`CREATE OR REPLACE ${kind} ${building} AS ${model.sql}`);
  } catch (error) {
    throw new Error(`${model.id} (${model.file}): ${(error as Error).message}`);
  }
  try {
    for (const test of model.tests) {
      const failing = `(${failingRowsSql(test, building)})`;
      const count = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${failing}`);
      if (count?.n) {
        const sample = await db.all(`SELECT * FROM ${failing} LIMIT 5`);
        const shown = sample.map((row) => `    ${JSON.stringify(row)}`).join("\n");
        throw new Error(
          `${model.id}: data test ${test.text} failed on ${count.n} row${count.n === 1 ? "" : "s"}; first ${sample.length}:\n${shown}`,
        );
      }
    }
    const rows = (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${building}`))?.n ?? 0;
    await db.transaction(async () => {
      // The previous version may be the other kind (a model that became a view), and DuckDB's DROP
      // TABLE refuses a view even with IF EXISTS: drop whatever is there by its own kind.
      const previous = await db.one<{ table_type: string }>(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
        [model.schema, model.name],
      );
      if (previous) await db.run(`DROP ${previous.table_type === "VIEW" ? "VIEW" : "TABLE"} ${final}`);
      await db.run(`ALTER ${kind} ${building} RENAME TO ${ident(model.name)}`);
    });
    return rows;
  } catch (error) {
    await db.run(`DROP ${kind} IF EXISTS ${building}`);
    throw error;
  }
}
