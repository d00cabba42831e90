// The catalog's invariants (DESIGN "Invariants") on the default sample and two variants of it: cut at a
// mid-month day, and with its yearly and quarterly lines running on open-ended. `npm run bench` runs it;
// alone: npx tsx bench/invariants.ts [OUT.json]. Prints what failed, and how long each book took.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../project/config.ts";
import { openWarehouse } from "../core/open-warehouse.ts";
import { literal, Warehouse } from "../core/warehouse.ts";
import { catalog } from "../metrics/catalog.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { generateSample } from "../pipelines/sample/generate.ts";
import { findSources } from "../pipelines/sources.ts";
import { asOfDifferences } from "../test/support/as-of-invariant.ts";
import { groupsSumToTotals, periodsSumToLongerOnes, sameFiguresUpToAsOf } from "../test/support/catalog-invariants.ts";
import { cutExports } from "../test/support/cut-exports.ts";

process.env.BELLWETHER_QUIET ??= "1";
const work = mkdtempSync(join(tmpdir(), "bellwether-invariants-"));

async function build(sources: string, name: string, asOf?: string) {
  const config = parseConfig({ warehouse: join(work, `${name}.duckdb`), ...(asOf ? { asOf } : {}) }, work);
  const db = await openWarehouse(config);
  await ingest(db, findSources(sources, config.mappings));
  const run = await runAssets(db, config, { assets: modelAssets() });
  const failed = run.materializations.filter((m) => m.status !== "built");
  if (failed.length) throw new Error(failed.map((m) => `${m.asset}: ${m.error}`).join("\n"));
  return { db, config };
}

/** The sample with every line billed every 3 months or more that ends after `day` left open-ended. */
async function openEnded(from: string, to: string, day: string) {
  cpSync(from, to, { recursive: true });
  const scratch = await Warehouse.open(":memory:");
  const file = join(from, "crm_subscriptions.csv");
  await scratch.run(
    `COPY (SELECT * REPLACE (CASE WHEN interval_months >= 3 AND end_date > DATE ${literal(day)} THEN NULL ELSE end_date END AS end_date)
      FROM read_csv(${literal(file)}, header = true)) TO ${literal(join(to, "crm_subscriptions.csv"))} (HEADER)`,
  );
  await scratch.close();
}

const report: Record<string, { seconds: number; failures: string[] }> = {};
async function book(name: string, sources: string, asOf: string, cutAt?: string) {
  const started = performance.now();
  const full = await build(sources, name, asOf);
  const failures = [
    ...(await groupsSumToTotals(full.db, full.config, catalog())),
    ...(await periodsSumToLongerOnes(full.db, full.config, catalog())),
  ];
  if (cutAt) {
    const cutDir = join(work, `${name}-cut`);
    await cutExports(sources, cutDir, cutAt);
    const cut = await build(cutDir, `${name}-cut`, asOf);
    failures.push(...(await asOfDifferences(full.db, cut.db)), ...(await sameFiguresUpToAsOf(full.db, cut.db, full.config, catalog())));
    await cut.db.close();
  }
  await full.db.close();
  report[name] = { seconds: Math.round((performance.now() - started) / 100) / 10, failures };
  process.stderr.write(`${name}: ${failures.length ? `${failures.length} failed` : "every invariant holds"} (${report[name].seconds} s)\n`);
  for (const failure of failures.slice(0, 20)) process.stderr.write(`  ${failure}\n`);
}

try {
  const sample = join(work, "sample");
  await generateSample({ out: sample, accounts: 600, months: 36, seed: "1" });
  await book("sample", sample, "2026-09-30");
  await book("sample cut mid-month", sample, "2026-08-15", "2026-08-15");
  await openEnded(sample, join(work, "open-ended"), "2026-09-30");
  await book("sample with open-ended lines", join(work, "open-ended"), "2026-09-30");
} finally {
  rmSync(work, { recursive: true, force: true });
}
const out = process.argv[2];
if (out) writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.exitCode = Object.values(report).some((r) => r.failures.length) ? 1 : 0;
