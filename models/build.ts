import { ident, type Warehouse } from "../core/warehouse.ts";
import { failingRowsSql } from "./data-tests.ts";
import type { Model } from "./model.ts";

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
