import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePage } from "../dashboards/page.ts";
import { renderSite } from "../dashboards/render.ts";
import type { MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { buildFixture, cli, FIXTURES } from "./helpers.ts";

/*
 * --compare on test/fixtures/retention (worked in test/retention.test.ts), as of 2024-08-15: the fiscal
 * quarter FY2024 Q3 is to date (July and August, its label 2024-08-31), so it compares with the first
 * two months of Q2 (April and May), not the whole of Q2. ARR at each month end (start <= d < end):
 *
 *              A1      A2     A3     A4      A5     A6      total
 *   2024-03-31 12,000  4,800  0      13,200  6,000  —       36,000
 *   2024-05-31 12,000  4,800  0      13,200  6,000  24,000  60,000
 *   2024-06-30 18,000  4,800  0      0       6,000  24,000  52,800   (A1 expands, A4 churns in June)
 *   2024-08-15 18,000  4,800  1,200  0       6,000  24,000  54,000   (A3 reactivated in August)
 *   2023-08-31 —       —      —      13,200  —      —       13,200   (A4 alone; A2, A3 start later)
 *
 * NRR over a 3-month window, base at the window's start:
 *   to 2024-08-15: base May 60,000 → 18,000 + 4,800 + 0 + 6,000 + 24,000 = 52,800 → 0.88
 *   to 2024-05-31: base Feb (A1 12,000, A2 4,800, A3 2,400, A4 13,200, A5 6,000) 38,400 → 36,000 → 0.9375
 *   to 2024-06-30 (the whole of Q2): base Mar 36,000 → 28,800 → 0.8
 * Expansion in April–May: none (the whole of Q2: A1's +6,000 in June); churn in April–May: none (Q2: −13,200).
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-08-15" });
}, 120_000);
afterAll(async () => fixture?.cleanup());

const run = async (request: MetricQuery) => (await query(fixture.db, fixture.config, request)).rows;
const at = (rows: MetricRow[], period: string) => rows.find((r) => r.period === period) as MetricRow;

describe("--compare", () => {
  it("compares a quarter to date with the same months of the quarter before: an amount, flows and a rate", async () => {
    const rows = await run({ metrics: ["arr", "expansion_arr", "churned_arr", "nrr"], grain: "quarter", window: 3, compare: "previous" });
    const row = at(rows, "2024-08-31");
    expect(row.arr).toBe(54_000);
    expect(row.arr_compare).toBe(60_000);
    expect(row.arr_change).toBe(-6_000);
    expect(row.expansion_arr_compare).toBe(0);
    expect(row.churned_arr_compare).toBe(0);
    expect(row.nrr).toBeCloseTo(0.88, 12);
    expect(row.nrr_compare).toBeCloseTo(0.9375, 12);
    expect(row.nrr_change).toBeCloseTo(-0.0575, 12);
    // The whole of Q2, as its own row shows it: what the to-date quarter is not compared with.
    const q2 = at(rows, "2024-06-30");
    expect([q2.arr, q2.expansion_arr, q2.churned_arr, q2.nrr]).toEqual([52_800, 6_000, -13_200, 0.8]);
    // A whole quarter compares with the whole quarter before: Q2 with Q1 (ARR 36,000 at 2024-03-31).
    expect([q2.arr_compare, q2.arr_change]).toEqual([36_000, 16_800]);
  });

  it("compares with the same months a year before, and has no value where the year before has no data", async () => {
    const rows = await run({ metrics: ["arr", "nrr"], grain: "quarter", compare: "year" });
    const row = at(rows, "2024-08-31");
    expect([row.arr_compare, row.arr_change]).toEqual([13_200, 40_800]);
    // A 12-month NRR a year before 2024-08 reaches back before the first month of data (2023-06): unknown.
    expect([row.nrr_compare, row.nrr_change]).toEqual([null, null]);
  });

  it("refuses a change metric and an unknown comparison", async () => {
    await expect(run({ metrics: ["arr_growth"], compare: "previous" })).rejects.toThrow("compares values, so ask for arr");
    await expect(run({ metrics: ["arr"], compare: "last" as "previous" })).rejects.toThrow(
      '--compare must be one of previous, year, got "last"',
    );
  });
});

describe("a tile's change", () => {
  it("compares a quarter to date with the same months of the quarter before, and says so", async () => {
    const page = definePage({
      file: "index.html",
      nav: "T",
      title: "Tiles",
      intro: "",
      tiles: { metrics: ["arr", "nrr"], query: { grain: "quarter", window: 3 } },
      sections: [],
    });
    const out = join(fixture.dir, "tiles-site");
    await renderSite(fixture.db, fixture.config, out, [page]);
    const html = readFileSync(join(out, "index.html"), "utf8");
    // ARR 54,000 against 60,000 at the end of May: −10.0%; NRR 88.0% against 93.75%: −5.8 points.
    expect(html).toContain('<div class="change down">−10.0% vs the same 2 months of FY2024 Q2</div>');
    expect(html).toContain('<div class="change down">−5.8 pts vs the same 2 months of FY2024 Q2</div>');
  });
});

describe("--compare on the command line", () => {
  // The CLI is another process: it needs the warehouse file unlocked. These tests run last in this file.
  beforeAll(() => fixture.db.close());
  const query = (...args: string[]) =>
    cli(
      ["query", "arr,nrr", "--grain", "quarter", "--compare", ...args, "--warehouse", join(fixture.dir, "warehouse.duckdb")],
      fixture.dir,
    );

  it("adds METRIC_compare and METRIC_change to JSON, and shows the change as an amount with its share, and in points", () => {
    const json = query("previous", "--window", "3", "--format", "json");
    expect(json.stderr).toBe("");
    const last = (JSON.parse(json.stdout) as MetricRow[]).at(-1) as MetricRow;
    expect([last.period, last.arr, last.arr_compare, last.arr_change]).toEqual(["2024-08-31", 54_000, 60_000, -6_000]);
    const table = query("previous", "--window", "3");
    // −6,000 of 60,000 is −10.0%; NRR 88.0% against 93.75%: −5.75 points, shown to one decimal.
    expect(table.stdout).toMatch(/2024-08-31\s+\$54,000\s+\$60,000\s+−\$6,000 \(−10\.0%\)\s+88\.0%\s+93\.8%\s+−5\.8 pts/);
  });

  it("refuses an unknown comparison with the ones there are", () => {
    const bad = query("lastyear");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--compare must be one of previous, year, got "lastyear"');
  });
});
