// Builds the large sample's warehouse, then times the compiler and a warm query against hand-written SQL
// for the same numbers, in this one process. Prints one JSON line.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { renderSite } from "../dashboards/render.ts";
import { parseConfig } from "../project/config.ts";
import { type Row, Warehouse } from "../core/warehouse.ts";
import { catalog } from "../metrics/catalog.ts";
import { compileMetricQuery, type MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";
import { HAND_WRITTEN_ARR_BY_SEGMENT, HAND_WRITTEN_NRR_GRR } from "./hand-written.ts";

const [sources, warehouse] = process.argv.slice(2) as [string, string];
process.env.BELLWETHER_QUIET ??= "1";
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

/**
 * Median warm milliseconds of our query and of the hand-written SQL, run in turns 15 times (the first 5
 * warm up); the first answers are compared, or the comparison means nothing.
 */
async function warmPair(request: MetricQuery, handSql: string, same: (ours: MetricRow[], hand: Row[]) => void) {
  const ours: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < 15; i++) {
    let t = performance.now();
    const result = await query(db, config, request);
    ours.push(performance.now() - t);
    t = performance.now();
    const reference = await db.all(handSql);
    hand.push(performance.now() - t);
    if (i === 0) same(result.rows, reference);
  }
  const median = (xs: number[]) => xs.slice(5).sort((a, b) => a - b)[5] ?? 0;
  return { ours: median(ours), hand: median(hand) };
}

const nrr = await warmPair({ metrics: ["nrr", "grr"], by: ["segment"], grain: "quarter" }, HAND_WRITTEN_NRR_GRR, (ours, hand) => {
  const defined = ours.filter((r) => r.nrr !== null);
  if (defined.length !== hand.length) throw new Error(`ours has ${defined.length} rows, hand-written ${hand.length}`);
  defined.forEach((r, k) => {
    if (Math.abs((r.nrr as number) - (hand[k]?.nrr as number)) > 1e-9) throw new Error(`NRR differs at ${r.period} ${r.segment}`);
  });
});
// A plain grouped aggregate: ARR and paying customers by segment, month by month.
const grouped = await warmPair(
  { metrics: ["arr", "customers"], by: ["segment"], grain: "month" },
  HAND_WRITTEN_ARR_BY_SEGMENT,
  (ours, hand) => {
    // Ours has a row for every segment in every month (zeros before it had accounts); the hand-written SQL only where it had rows.
    const mine = new Map(ours.map((r) => [`${r.period}|${r.segment}`, r]));
    for (const r of hand) {
      const row = mine.get(`${r.period}|${r.segment}`);
      if (!row || row.customers !== Number(r.customers) || Math.abs((row.arr as number) - Number(r.arr)) > 0.005)
        throw new Error(`ARR by segment differs at ${r.period} ${r.segment}`);
    }
  },
);
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
// The accounts behind the figures (drill.html's data): what the drill-down adds to the site.
const sizeOf = (files: string[]) => files.reduce((n, f) => n + statSync(join(site, "data", f)).size, 0) / 2 ** 20;
const data = readdirSync(join(site, "data"));
const drillMiB = sizeOf(data.filter((f) => f.startsWith("drill-")));
const dataMiB = sizeOf(data);
rmSync(site, { recursive: true, force: true });
db.close();
process.stdout.write(
  `${JSON.stringify({
    buildSeconds,
    compileMs,
    oursWarmMs: nrr.ours,
    handWrittenWarmMs: nrr.hand,
    groupedOursWarmMs: grouped.ours,
    groupedHandWrittenWarmMs: grouped.hand,
    siteSeconds,
    siteQuerySeconds: querySeconds,
    accountPages,
    drillMiB,
    dataMiB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
