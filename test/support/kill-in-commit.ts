// A child for test/crash-landing.test.ts: one Warehouse.transaction appends ROWS rows to raw.t and a
// load row to meta.loads, and the process SIGKILLs itself AFTER milliseconds into the COMMIT.
import { Warehouse } from "../../core/warehouse.ts";

const [path, rows, after] = process.argv.slice(2) as [string, string, string];
const db = await Warehouse.open(path);
await db.run("CREATE SCHEMA raw; CREATE SCHEMA meta");
await db.run("CREATE TABLE raw.t (a BIGINT, b VARCHAR); CREATE TABLE meta.loads (load_id VARCHAR PRIMARY KEY, n BIGINT)");
await db.run(`CREATE TEMP TABLE staged AS SELECT range AS a, 'row ' || range AS b FROM range(${Number(rows)})`);
const run = db.run.bind(db);
db.run = async (sql, params) => {
  if (sql === "COMMIT") setTimeout(() => process.kill(process.pid, "SIGKILL"), Number(after));
  return run(sql, params);
};
await db.transaction(async () => {
  await db.run("INSERT INTO raw.t SELECT a, b FROM staged");
  await db.run(`INSERT INTO meta.loads VALUES ('load', ${Number(rows)})`);
});
await new Promise((resolve) => setTimeout(resolve, 2000));
