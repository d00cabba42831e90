// Builds the large sample's warehouse, then times the compiler and a warm query against hand-written SQL
// for the same numbers, in this one process. Prints one JSON line.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { renderSite } from "../dashboards/render.ts";
import { parseConfig } from "../core/config.ts";
import { setQuiet } from "../core/log.ts";
import { Warehouse } from "../core/warehouse.ts";
import { catalog } from "../metrics/catalog.ts";
import { compileMetricQuery, type MetricQuery } from "../metrics/compile.ts";
import { query } from "../metrics/query.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";
import { HAND_WRITTEN_ARR_BY_SEGMENT, HAND_WRITTEN_NRR_GRR } from "./hand-written.ts";

const [sources, warehouse] = process.argv.slice(2) as [string, string];
setQuiet(true);
rmSync(warehouse, { force: true });
const config = parseConfig({ warehouse }, process.cwd());
const db = await Warehouse.open(warehouse);
const started = performance.now();
await ingest(db, findSources(sources));
const run = await runAssets(db, config, { assets: modelAssets() });
const failed = run.materializations.filter((m) => m.status !== "built");
if (failed.length) throw new Error(failed.map((m) => `${m.asset}: ${m.error}`).join("\n"));
const buildSeconds = (performance.now() - started) / 1000;

const queries: MetricQuery[] = [
  { metrics: ["nrr", "grr"], by: ["segment"], grain: "quarter" },
  { metrics: ["arr", "new_arr", "expansion_arr", "contraction_arr", "churned_arr", "quick_ratio"], by: ["plan", "region"], grain: "month" },
  { metrics: ["nps", "csat_avg", "tickets_per_account", "license_utilization"], by: ["segment"], grain: "year", where: { region: "EMEA" } },
];
const compileRuns = 200;
const compileStart = performance.now();
for (let i = 0; i < compileRuns; i++) for (const q of queries) compileMetricQuery(q, { catalog: catalog(), defaultWindow: 12 });
const compileMs = (performance.now() - compileStart) / (compileRuns * queries.length);

const request: MetricQuery = { metrics: ["nrr", "grr"], by: ["segment"], grain: "quarter" };
const ours: number[] = [];
const hand: number[] = [];
for (let i = 0; i < 15; i++) {
  let t = performance.now();
  const result = await query(db, config, request);
  ours.push(performance.now() - t);
  t = performance.now();
  const reference = await db.all(HAND_WRITTEN_NRR_GRR);
  hand.push(performance.now() - t);
  if (i === 0) {
    // Same numbers, or the comparison means nothing.
    const defined = result.rows.filter((r) => r.nrr !== null);
    if (defined.length !== reference.length) throw new Error(`ours has ${defined.length} rows, hand-written ${reference.length}`);
    defined.forEach((r, k) => {
      if (Math.abs((r.nrr as number) - (reference[k]?.nrr as number)) > 1e-9) throw new Error(`NRR differs at ${r.period} ${r.segment}`);
    });
  }
}
// A plain grouped aggregate: ARR and paying customers by segment, month by month.
const grouped: MetricQuery = { metrics: ["arr", "customers"], by: ["segment"], grain: "month" };
const oursGrouped: number[] = [];
const handGrouped: number[] = [];
for (let i = 0; i < 15; i++) {
  let t = performance.now();
  const result = await query(db, config, grouped);
  oursGrouped.push(performance.now() - t);
  t = performance.now();
  const reference = await db.all<{ period: string; segment: string; arr: number; customers: number }>(HAND_WRITTEN_ARR_BY_SEGMENT);
  handGrouped.push(performance.now() - t);
  if (i === 0) {
    // Ours has a row for every segment in every month (zeros where it had no accounts yet); the hand-written SQL only where it had rows.
    const ourRow = new Map(result.rows.map((r) => [`${r.period}|${r.segment}`, r]));
    for (const r of reference) {
      const mine = ourRow.get(`${r.period}|${r.segment}`);
      if (!mine || mine.customers !== Number(r.customers) || Math.abs((mine.arr as number) - Number(r.arr)) > 0.005)
        throw new Error(`ARR by segment differs at ${r.period} ${r.segment}`);
    }
  }
}
const median = (xs: number[]) => {
  const s = xs.slice(5).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
// Every page of the site: the reports, and a page per account and per CSM book.
const site = `${warehouse}.site`;
rmSync(site, { recursive: true, force: true });
// The render's own queries, timed as they run: what the site costs beyond fetching its numbers.
let querySeconds = 0;
for (const method of ["all", "run", "runWithProgress"] as const) {
  const original = db[method].bind(db) as (...args: unknown[]) => Promise<unknown>;
  (db as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const t = performance.now();
    try {
      return await original(...args);
    } finally {
      querySeconds += (performance.now() - t) / 1000;
    }
  };
}
const renderStart = performance.now();
await renderSite(db, config, site);
const siteSeconds = (performance.now() - renderStart) / 1000;
const accountPages = readdirSync(join(site, "accounts")).length;
rmSync(site, { recursive: true, force: true });
db.close();
process.stdout.write(
  `${JSON.stringify({
    buildSeconds,
    compileMs,
    oursWarmMs: median(ours),
    handWrittenWarmMs: median(hand),
    groupedOursWarmMs: median(oursGrouped),
    groupedHandWrittenWarmMs: median(handGrouped),
    siteSeconds,
    siteQuerySeconds: querySeconds,
    accountPages,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
