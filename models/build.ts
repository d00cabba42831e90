import { ident, type Warehouse } from "../core/warehouse.ts";
import { failingRowsSql } from "./data-tests.ts";
import { COMMON_COLUMNS } from "./columns.ts";
import { type Model, modelSql } from "./model.ts";

const building = (model: Model) => `${model.schema}.${ident(`__building_${model.name}`)}`;

/** SQL with every read of a model staged earlier in this run pointed at its staged table. */
export function stagedSql(sql: string, staged: ReadonlySet<string>): string {
  return sql.replace(/\b(staging|marts)\.([a-z_][a-z0-9_]*)\b/g, (name, schema: string, table: string) =>
    staged.has(`${schema}.${table}`) ? `${schema}.${ident(`__building_${table}`)}` : name,
  );
}

/**
 * Builds one model under a temporary name and runs its data tests; returns its rows. Nothing a reader
 * sees changes: the run's models swap in together (publishModels) once every one of them is built.
 * Models staged earlier in the same run are read in their new versions. `months`: an incremental
 * model's months to recompute; the published table's other months are kept as they are.
 */
export async function stageModel(db: Warehouse, model: Model, staged: ReadonlySet<string>, months?: readonly number[]): Promise<number> {
  const target = building(model);
  const kind = model.materialized === "view" ? "VIEW" : "TABLE";
  const fresh = stagedSql(modelSql(model, db.dialect, months), staged);
  const column = model.incremental?.column;
  const select =
    months && column
      ? `SELECT * FROM ${model.schema}.${ident(model.name)} WHERE ${months.length ? `NOT (${ident(column)} IN (${months.join(", ")}))` : "true"}
         UNION ALL SELECT * FROM (${fresh}) AS rebuilt`
      : fresh;
  try {
    await db.run(`DROP ${kind} IF EXISTS ${target}`);
    await db.run(`CREATE ${kind} ${target} AS ${select}`);
    if (kind === "TABLE") await db.analyze(target);
  } catch (error) {
    throw new Error(`${model.id} (${model.file}): ${(error as Error).message}`);
  }
  try {
    for (const test of model.tests) {
      const failing = `(${stagedSql(failingRowsSql(test, target), staged)})`;
      const count = await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${failing} AS failing`);
      if (count?.n) {
        const sample = await db.all(`SELECT * FROM ${failing} AS failing LIMIT 5`);
        const shown = sample.map((row) => `    ${JSON.stringify(row)}`).join("\n");
        throw new Error(
          `${model.id}: data test ${test.text} failed on ${count.n} row${count.n === 1 ? "" : "s"}; first ${sample.length}:\n${shown}`,
        );
      }
    }
    return (await db.one<{ n: number }>(`SELECT count(*) AS n FROM ${target}`))?.n ?? 0;
  } catch (error) {
    await db.run(`DROP ${kind} IF EXISTS ${target}`);
    throw error;
  }
}

/**
 * Swaps every staged model in, in one transaction: a reader (or a process killed part-way) sees the
 * last run's models or this run's, never a mix. A view is created again from its own SQL, so it reads
 * the published names rather than the staged ones. `alongside` runs in the same transaction.
 */
export async function publishModels(db: Warehouse, models: readonly Model[], alongside: (() => Promise<void>)[] = []): Promise<void> {
  if (models.length === 0) return;
  await db.transaction(async () => {
    // What describes the published tables (an incremental model's input fingerprints) changes with them.
    for (const record of alongside) await record();
    for (const model of models) {
      const final = `${model.schema}.${ident(model.name)}`;
      // The previous version may be the other kind (a model that became a view), and DuckDB's DROP
      // TABLE refuses a view even with IF EXISTS: drop whatever is there by its own kind.
      const previous = await db.one<{ table_type: string }>(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
        [db.schemaName(model.schema), model.name],
      );
      if (previous) await db.run(`DROP ${previous.table_type === "VIEW" ? "VIEW" : "TABLE"} ${final}`);
      if (model.materialized === "view") {
        await db.run(`DROP VIEW ${building(model)}`);
        await db.run(`CREATE VIEW ${final} AS ${modelSql(model, db.dialect)}`);
      } else {
        await db.run(`ALTER TABLE ${building(model)} RENAME TO ${ident(model.name)}`);
      }
      await describeInCatalog(db, model, final);
    }
  });
}

/** SQL text as a string literal (the same quoting on both engines). */
const text = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The model's header as the table's comment and its columns' meanings (its `@column` lines, else the
 * common ones) as column comments: what any SQL client shows beside the table.
 */
async function describeInCatalog(db: Warehouse, model: Model, table: string): Promise<void> {
  const kind = model.materialized === "view" ? "VIEW" : "TABLE";
  if (model.description) await db.run(`COMMENT ON ${kind} ${table} IS ${text(model.description)}`);
  // DuckDB comments a view's columns as it does a table's; PostgreSQL too.
  const columns = await db.all<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
    [db.schemaName(model.schema), model.name],
  );
  for (const { column_name: column } of columns) {
    const meaning = model.columns[column] ?? COMMON_COLUMNS[column];
    if (meaning) await db.run(`COMMENT ON COLUMN ${table}.${ident(column)} IS ${text(meaning)}`);
  }
}

/** Drops staged models that will not be published (another model of the run failed). */
export async function discardStaged(db: Warehouse, models: readonly Model[]): Promise<void> {
  for (const model of models) await db.run(`DROP ${model.materialized === "view" ? "VIEW" : "TABLE"} IF EXISTS ${building(model)}`);
}
