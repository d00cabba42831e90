// One measurement in its own process, so peak RSS belongs to it alone. Prints one JSON line.
import { rmSync } from "node:fs";
import { literal, Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { landFile } from "../pipelines/land.ts";

const [mode, file, warehouse, accounts] = process.argv.slice(2) as [string, string, string, string];
process.env.BELLWETHER_QUIET ??= "1";
rmSync(warehouse, { force: true });
rmSync(`${warehouse}.wal`, { force: true });
const db = await Warehouse.open(warehouse);
let rows = 0;
let seconds = 0;
if (mode === "raw") {
  const reader = file.endsWith(".parquet") ? `read_parquet(${literal(file)})` : `read_csv(${literal(file)})`;
  const started = performance.now();
  await db.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
  seconds = (performance.now() - started) / 1000;
  rows = (await db.one<{ n: number }>("SELECT count(*) AS n FROM t"))?.n ?? 0;
} else {
  // Accounts first, as in a real ingest: the orphan check needs them. Not part of the timing.
  await landFile(db, contracts.crm_accounts, accounts);
  const started = performance.now();
  const result = await landFile(db, contracts.usage_events, file);
  seconds = (performance.now() - started) / 1000;
  rows = result.landed;
  if (result.status !== "landed") throw new Error(result.message);
}
db.close();
process.stdout.write(`${JSON.stringify({ mode, file, rows, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
