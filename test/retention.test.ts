import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { buildFixture, cli, FIXTURES } from "./helpers.ts";

/*
 * test/fixtures/retention, worked by hand. MRR = amount × quantity × (1 − discount) / interval_months,
 * converted at the FX rate of the line's start month; ARR = 12 × MRR; a line counts on a month's last
 * day d when start_date <= d < end_date. Segments by employees: SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise.
 *
 * A1 SMB (50):   S1 100 × 10, monthly, 2023-12-15 → 2024-06-10 (mid-month start): ARR 12,000
 *                S2 100 × 15, monthly, from 2024-06-10 (expansion, same-day swap):   ARR 18,000
 * A2 SMB (20):   S3 1,200 × 5 × 0.8 / 12, annual, 2023-11-01 → 2024-11-01:           ARR  4,800
 *                S4 1,200 × 3 × 0.8 / 12, from 2024-11-01 (contraction at renewal):  ARR  2,880
 * A3 SMB (80):   S5 50 × 4, monthly, 2023-10-01 → 2024-03-31 (ends on a last day):   ARR  2,400
 *                S6 50 × 2, monthly, from 2024-08-01 (reactivation):                 ARR  1,200
 * A4 Mid (500):  S7 12,000 EUR annual, 2023-06-20 → 2024-06-20, June rate 1.10
 *                (not July's 1.20): 1,000 EUR × 1.10 × 12                               ARR 13,200, then churn
 * A5 Mid (300):  S8 500 × 1 monthly from 2024-02-14, empty currency = USD:            ARR  6,000
 * A6 Ent (5000): S9 24,000 annual from 2024-05-01, empty quantity = 1:                ARR 24,000
 *
 * 12-month window ending t = 2024-12-31, s = 2023-12-31. Base B = A1, A2, A3, A4.
 *   S          = 12,000 + 4,800 + 2,400 + 13,200 = 32,400
 *   Σ_B ARR(t) = 18,000 + 2,880 + 1,200 + 0      = 22,080 → NRR 22,080 / 32,400
 *   Σ_B min    = 12,000 + 2,880 + 1,200 + 0      = 16,080 → GRR 16,080 / 32,400
 *   retained logos A1, A2, A3 of 4                       → logo churn 1/4
 * SMB: S 19,200, ARR(t) 22,080, min 16,080, churn 0/3.  Mid-Market: S 13,200, all lost.
 * Enterprise: no account at s → null, not 0.
 */
const S = 32_400;

let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-12-31" });
});
afterAll(() => fixture?.cleanup());

const run = (request: MetricQuery) => query(fixture.db, fixture.config, request).then((r) => r.rows);
const at = (rows: MetricRow[], period: string) => rows.filter((r) => r.period === period);

describe("ARR at month ends", () => {
  it("counts a mid-month start from its first month end, and a line ending on a last day not at all that day", async () => {
    const rows = await run({ metrics: ["arr"], where: { segment: "SMB" } });
    const arr = Object.fromEntries(rows.map((r) => [r.period, r.arr]));
    expect(arr["2023-11-30"]).toBe(4_800 + 2_400); // A1 not started yet
    expect(arr["2023-12-31"]).toBe(12_000 + 4_800 + 2_400); // A1 from Dec 15
    expect(arr["2024-02-29"]).toBe(19_200);
    expect(arr["2024-03-31"]).toBe(12_000 + 4_800); // S5 ends 2024-03-31, exclusive
    expect(arr["2024-05-31"]).toBe(16_800);
    expect(arr["2024-06-30"]).toBe(18_000 + 4_800); // same-day swap: no gap, no double count
    expect(arr["2024-08-31"]).toBe(18_000 + 4_800 + 1_200); // A3 back
    expect(arr["2024-11-30"]).toBe(18_000 + 2_880 + 1_200); // A2 renewed smaller
  });

  it("converts at the start month's FX rate and applies defaults for empty quantity, discount and currency", async () => {
    const rows = await run({ metrics: ["arr"], by: ["segment"], grain: "quarter" });
    const byPeriod = (period: string) => Object.fromEntries(at(rows, period).map((r) => [r.segment, r.arr]));
    expect(byPeriod("2023-12-31")).toEqual({ SMB: 19_200, "Mid-Market": 13_200, Enterprise: 0 });
    expect(byPeriod("2024-12-31")).toEqual({ SMB: 22_080, "Mid-Market": 6_000, Enterprise: 24_000 });
  });
});

describe("window retention, 12 months to 2024-12-31", () => {
  it("computes NRR, GRR and logo churn over the whole book", async () => {
    const [row] = at(await run({ metrics: ["nrr", "grr", "logo_churn", "logo_retention"], grain: "quarter" }), "2024-12-31");
    expect(row?.nrr).toBeCloseTo(22_080 / S, 12);
    expect(row?.grr).toBeCloseTo(16_080 / S, 12);
    expect(row?.logo_churn).toBe(0.25);
    expect(row?.logo_retention).toBe(0.75);
  });

  it("groups by segment as of the window start, with null (not 0) where there is no base", async () => {
    const rows = at(await run({ metrics: ["nrr", "grr", "logo_churn"], by: ["segment"], grain: "quarter" }), "2024-12-31");
    const bySegment = Object.fromEntries(rows.map(({ segment, ...rest }) => [segment, rest]));
    expect(bySegment.SMB?.nrr).toBeCloseTo(22_080 / 19_200, 12);
    expect(bySegment.SMB?.grr).toBeCloseTo(16_080 / 19_200, 12);
    expect(bySegment.SMB?.logo_churn).toBe(0);
    expect(bySegment["Mid-Market"]).toEqual({ period: "2024-12-31", nrr: 0, grr: 0, logo_churn: 1 });
    expect(bySegment.Enterprise).toEqual({ period: "2024-12-31", nrr: null, grr: null, logo_churn: null });
  });

  it("honours a shorter window: 3 months to 2024-12-31 starts from 2024-09-30", async () => {
    // Base at 2024-09-30: A1 18,000, A2 4,800, A3 1,200, A5 6,000, A6 24,000 = 54,000 (A4 gone).
    // At t: 18,000 + 2,880 + 1,200 + 6,000 + 24,000 = 52,080; nobody expanded, so GRR = NRR.
    const [row] = at(await run({ metrics: ["nrr", "grr", "logo_churn"], grain: "quarter", window: 3 }), "2024-12-31");
    expect(row?.nrr).toBeCloseTo(52_080 / 54_000, 12);
    expect(row?.grr).toBeCloseTo(52_080 / 54_000, 12);
    expect(row?.logo_churn).toBe(0);
  });

  it("is undefined (null) for periods whose window starts before the data", async () => {
    const rows = await run({ metrics: ["nrr"], grain: "quarter" });
    expect(at(rows, "2023-12-31")[0]?.nrr).toBeNull();
  });
});

describe("NRR's 95% interval", () => {
  it("is the ratio estimator's: R ± 1.96 · √(Σ(e − R·s)² / (n(n − 1))) / s̄ (never below 0), from the base accounts' own ARR", async () => {
    // Each base account's ARR at the window start (s) and at the end (e), read straight from the mart.
    const pairs = await fixture.db.all<{ segment: string; s: number; e: number }>(`
      SELECT b.segment, {{ float(b.arr) }} AS s, {{ float(coalesce(c.arr, 0)) }} AS e
      FROM marts.account_months AS b
      JOIN marts.months AS m ON m.month = DATE '2024-12-01'
      LEFT JOIN marts.account_months AS c ON c.account_id = b.account_id AND c.month_index = m.month_index
      WHERE b.month_index = m.month_index - 12 AND b.arr > 0`);
    const rows = await run({
      metrics: ["nrr", "nrr_low", "nrr_high"],
      by: ["segment"],
      grain: "quarter",
      from: "2024-12-31",
      to: "2024-12-31",
    });
    const segments = [...new Set(pairs.map((p) => p.segment))];
    expect(segments.length).toBeGreaterThan(0);
    for (const segment of segments) {
      const base = pairs.filter((p) => p.segment === segment);
      const n = base.length;
      const r = base.reduce((a, p) => a + p.e, 0) / base.reduce((a, p) => a + p.s, 0);
      const row = rows.find((x) => x.segment === segment);
      expect(row?.nrr as number, segment).toBeCloseTo(r, 9);
      if (n < 2) {
        expect(row?.nrr_low, segment).toBeNull();
        continue;
      }
      const meanS = base.reduce((a, p) => a + p.s, 0) / n;
      const se = Math.sqrt(base.reduce((a, p) => a + (p.e - r * p.s) ** 2, 0) / (n * (n - 1))) / meanS;
      expect(row?.nrr_low as number, segment).toBeCloseTo(Math.max(0, r - 1.96 * se), 9);
      expect(row?.nrr_high as number, segment).toBeCloseTo(r + 1.96 * se, 9);
    }
  });
});

describe("the same numbers through the command line", () => {
  // The CLI is another process: it needs the warehouse file unlocked. These tests run last in this file.
  beforeAll(() => fixture.db.close());
  const args = (format: string) => [
    "query",
    "nrr,grr,logo_churn",
    "--by",
    "segment",
    "--grain",
    "quarter",
    "--from",
    "2024-12-01",
    "--format",
    format,
    "--warehouse",
    fixture.config.warehouse,
  ];

  it("prints the JSON contract: period, one key per dimension and per metric, null where undefined", () => {
    const result = cli(args("json"), fixture.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual(Array(3).fill(["period", "segment", "nrr", "grr", "logo_churn"]));
    expect(rows.map((r) => r.segment)).toEqual(["Enterprise", "Mid-Market", "SMB"]);
    expect(rows[0]).toEqual({ period: "2024-12-31", segment: "Enterprise", nrr: null, grr: null, logo_churn: null });
    expect(rows[2]?.nrr).toBeCloseTo(22_080 / 19_200, 12);
  });

  it("prints the same numbers as CSV, with empty cells for null", () => {
    const result = cli(args("csv"), fixture.dir);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      "period,segment,nrr,grr,logo_churn",
      "2024-12-31,Enterprise,,,",
      "2024-12-31,Mid-Market,0,0,1",
      "2024-12-31,SMB,1.15,0.8375,0",
    ]);
  });

  it("prints a table for people, with percentages", () => {
    const result = cli(args("table"), fixture.dir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/2024-12-31\s+SMB\s+115\.0%\s+83\.8%\s+0\.0%/);
    expect(result.stdout).toMatch(/2024-12-31\s+Enterprise\s+—\s+—\s+—/);
  });

  it("refuses an unknown metric with exit 2 and the closest name", () => {
    const result = cli(["query", "nrrr", "--warehouse", fixture.config.warehouse], fixture.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown metric "nrrr" — did you mean "nrr"?');
  });
});
