import { Warehouse } from "./core/warehouse.ts";
import { contracts } from "./pipelines/contracts/index.ts";
import { landFile } from "./pipelines/land.ts";
import { rmSync } from "node:fs";
rmSync("/tmp/p.duckdb", { force: true });
const db = await Warehouse.open("/tmp/p.duckdb");
await landFile(db, contracts.crm_accounts, "bench/data/large/crm_accounts.csv");
for (const m of ["run", "all", "runWithProgress"] as const) {
  const orig = (db as any)[m].bind(db);
  (db as any)[m] = async (...a: any[]) => {
    const t = performance.now();
    const r = await orig(...a);
    const s = (performance.now() - t) / 1000;
    if (s > 0.5) console.log(s.toFixed(1), String(a[0]).replace(/\s+/g, " ").slice(0, 110));
    return r;
  };
}
const t = performance.now();
await landFile(db, contracts.usage_events, process.argv[2]!);
console.log("total", ((performance.now() - t) / 1000).toFixed(1));
