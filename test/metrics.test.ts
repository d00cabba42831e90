import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { buildCatalog } from "../metrics/catalog.ts";
import { assembleProject } from "../project/project.ts";
import { compileMetricQuery, type MetricQuery } from "../metrics/compile.ts";
import { toArrow } from "../metrics/arrow.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { buildFixture, cli, FIXTURES } from "./helpers.ts";

/** The built-in catalog as a project has it: with the marts its models keep to one row per account and month. */
const catalog = () => assembleProject().catalog;

/*
 * test/fixtures/movements (see test/movements.test.ts for every account). By fiscal quarter:
 *   Q1: new 1,200 (M1) + 2,400 (M2) + 1,200 (M3) + 108,000 (M4) + 1,320 (M6) = 114,120; churn −1,200 (M3)
 *   Q2: new 120,000 (M5); reactivation 1,800 (M3); churn −2,400 (M2)
 *   Q3: contraction −64,800 (M4)
 *   Q4: expansion 12,000 (M5)
 * ARR at quarter ends: 112,920 · 232,320 · 167,520 · 179,520 (0 before January).
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "movements"), { asOf: "2024-12-31" });
});
afterAll(() => fixture?.cleanup());
const run = (request: MetricQuery) => query(fixture.db, fixture.config, request).then((r) => r.rows);
const column = (rows: MetricRow[], name: string) => rows.map((r) => r[name]);

describe("ARR movement metrics", () => {
  it("sums each movement over the months of each quarter, contraction and churn negative", async () => {
    const rows = await run({
      metrics: ["opening_arr", "new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr", "arr"],
      grain: "quarter",
    });
    expect(column(rows, "period")).toEqual(["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]);
    expect(column(rows, "new_arr")).toEqual([114_120, 120_000, 0, 0]);
    expect(column(rows, "reactivation_arr")).toEqual([0, 1_800, 0, 0]);
    expect(column(rows, "expansion_arr")).toEqual([0, 0, 0, 12_000]);
    expect(column(rows, "contraction_arr")).toEqual([0, 0, -64_800, 0]);
    expect(column(rows, "churned_arr")).toEqual([-1_200, -2_400, 0, 0]);
    expect(column(rows, "opening_arr")).toEqual([0, 112_920, 232_320, 167_520]);
    expect(column(rows, "arr")).toEqual([112_920, 232_320, 167_520, 179_520]);
    expect(column(await run({ metrics: ["mrr"], grain: "quarter" }), "mrr")).toEqual([9_410, 19_360, 13_960, 14_960]);
  });

  it("sums a year as its twelve months, and a month as itself", async () => {
    expect(await run({ metrics: ["new_arr", "churned_arr"], grain: "year" })).toEqual([
      { period: "2024-12-31", new_arr: 234_120, churned_arr: -3_600 },
    ]);
    const june = (await run({ metrics: ["reactivation_arr"], from: "2024-06-01", to: "2024-06-30" }))[0];
    expect(june).toEqual({ period: "2024-06-30", reactivation_arr: 1_800 });
  });

  it("groups a movement by the account's dimensions in the month it moved", async () => {
    const rows = await run({ metrics: ["new_arr"], by: ["segment"], grain: "quarter", to: "2024-03-31" });
    expect(rows).toEqual([
      { period: "2024-03-31", segment: "Enterprise", new_arr: 0 },
      { period: "2024-03-31", segment: "Mid-Market", new_arr: 108_000 },
      { period: "2024-03-31", segment: "SMB", new_arr: 1_200 + 2_400 + 1_200 + 1_320 },
    ]);
  });
});

describe("a quarter or year not over yet", () => {
  // The same fixture with a fiscal year from April, as of 2024-08-31: FY2024 is January–March (its first
  // months), FY2025 is April–August so far, and FY2025 Q2 is July–August so far.
  let partial: Awaited<ReturnType<typeof buildFixture>>;
  beforeAll(async () => {
    partial = await buildFixture(join(FIXTURES, "movements"), { asOf: "2024-08-31", fiscalYearStartMonth: 4 });
  });
  afterAll(() => partial?.cleanup());
  const runPartial = (request: MetricQuery) => query(partial.db, partial.config, request).then((r) => r.rows);

  it("ends at the as-of month and covers its months so far: sums from its start, opening ARR at the last period end", async () => {
    const metrics = ["opening_arr", "new_arr", "reactivation_arr", "contraction_arr", "churned_arr", "arr", "arr_growth"];
    expect(await runPartial({ metrics, grain: "year" })).toEqual([
      // January–March: every new logo but M5, M3's churn; opening ARR 0 (nothing before January).
      {
        period: "2024-03-31",
        opening_arr: 0,
        new_arr: 1_200 + 2_400 + 1_200 + 108_000 + 1_320,
        reactivation_arr: 0,
        contraction_arr: 0,
        churned_arr: -1_200,
        arr: 112_920,
        arr_growth: null,
      },
      // April–August: M5 new in May, M3 back in June, M2 gone in April, M4 down in August.
      {
        period: "2024-08-31",
        opening_arr: 112_920,
        new_arr: 120_000,
        reactivation_arr: 1_800,
        contraction_arr: -64_800,
        churned_arr: -2_400,
        arr: 167_520,
        arr_growth: 167_520 / 112_920 - 1,
      },
    ]);
    const quarters = await runPartial({ metrics: ["opening_arr", "contraction_arr", "new_arr"], grain: "quarter" });
    // July–August: M4's contraction only, from June's closing ARR.
    expect(quarters.at(-1)).toEqual({ period: "2024-08-31", opening_arr: 232_320, contraction_arr: -64_800, new_arr: 0 });
    expect(quarters.map((r) => r.period)).toEqual(["2024-03-31", "2024-06-30", "2024-08-31"]);
  });
});

describe("derived metrics", () => {
  it("computes quick ratio, expansion rate and ARPA from other metrics, null where the denominator is 0", async () => {
    const rows = await run({ metrics: ["quick_ratio", "expansion_rate", "arpa"], grain: "quarter" });
    // Q1: 114,120 / 1,200; Q2: 121,800 / 2,400; Q3: 0 / 64,800; Q4: no loss → null.
    expect(column(rows, "quick_ratio")).toEqual([114_120 / 1_200, 121_800 / 2_400, 0, null]);
    // Expansion over opening ARR: Q1 opens at 0 → null; Q4: 12,000 / 167,520.
    expect(column(rows, "expansion_rate")).toEqual([null, 0, 0, 12_000 / 167_520]);
    // ARR / paying accounts: 112,920 / 4 (M1, M2, M4, M6); 232,320 / 5; 167,520 / 5; 179,520 / 5.
    expect(column(rows, "arpa")).toEqual([28_230, 46_464, 33_504, 35_904]);
  });

  it("resolves a derived metric built on another derived metric", async () => {
    const { metrics, dimensions } = catalog();
    const extended = buildCatalog(
      [
        ...metrics.values(),
        {
          name: "arpa_thousands",
          label: "ARPA (k)",
          description: "ARPA in thousands.",
          formula: "ARPA / 1000",
          format: "ratio",
          type: "derived",
          expression: "arpa / 1000",
        },
      ],
      [...dimensions.values()],
    );
    const result = await query(fixture.db, fixture.config, { metrics: ["arpa_thousands"], grain: "quarter", from: "2024-12-01" }, extended);
    // Q4: 179,520 / 5 paying accounts = 35,904 → 35.904.
    expect(result.rows).toEqual([{ period: "2024-12-31", arpa_thousands: 35.904 }]);
  });

  it("refuses a rate whose sample, interval or known share names no metric", () => {
    const rate = { label: "x", description: "x", formula: "x", format: "ratio" as const, type: "derived" as const, expression: "1" };
    expect(() => buildCatalog([{ ...rate, name: "r", sample: "accounts_nowhere" }], [])).toThrow(
      "metric r: its sample names accounts_nowhere, which is not a metric",
    );
    expect(() => buildCatalog([{ ...rate, name: "r", interval: ["r", "r_high"] }], [])).toThrow(
      "metric r: its interval names r_high, which is not a metric",
    );
  });

  it("refuses a derived metric that names something other than metrics, or that refers back to itself", () => {
    const base = { label: "x", description: "x", formula: "x", format: "ratio" as const, type: "derived" as const };
    expect(() => buildCatalog([{ ...base, name: "bad", expression: "arr / seats" }], [])).toThrow(
      "metric bad: its expression names arr, seats, which are not metrics",
    );
    expect(() =>
      buildCatalog(
        [
          { ...base, name: "a", label: "A", expression: "b + 1" },
          { ...base, name: "b", label: "B", expression: "a * 2" },
        ],
        [],
      ),
    ).toThrow("metrics form a cycle: a → b → a");
    // A cycle through a period-over-period change is a cycle too.
    expect(() =>
      buildCatalog(
        [
          { ...base, name: "a", label: "A", expression: "b + 1" },
          { ...base, name: "b", label: "B", type: "change", of: "a" },
        ],
        [],
      ),
    ).toThrow("metrics form a cycle: a → b → a");
    expect(() => buildCatalog([{ name: "Bad Name", label: "", type: "snapshot" }], [])).toThrow(/metric Bad Name: .*snake_case/s);
    // Two metrics a reader could not tell apart.
    expect(() =>
      buildCatalog(
        [
          { ...base, name: "arr_again", label: "ARR", expression: "1" },
          { ...base, name: "arr_too", label: "ARR", expression: "2" },
        ],
        [],
      ),
    ).toThrow('metric arr_too: its label "ARR" is already metric arr_again\'s');
  });
});

describe("grouping and filtering", () => {
  it("groups retention by each account's touch tier at the window start, even when it changed since", async () => {
    // 3 months to 2024-09-30, from 2024-06-30. M4 was high (108,000) and is low (43,200) at the end.
    // high: M4 108,000 + M5 120,000 → 43,200 + 120,000. tech: M1 1,200 + M3 1,800 + M6 1,320, unchanged.
    const rows = await run({
      metrics: ["nrr", "grr"],
      by: ["touch_tier"],
      grain: "quarter",
      window: 3,
      from: "2024-09-01",
      to: "2024-09-30",
    });
    expect(rows).toEqual([
      { period: "2024-09-30", touch_tier: "high", nrr: 163_200 / 228_000, grr: 163_200 / 228_000 },
      { period: "2024-09-30", touch_tier: "low", nrr: null, grr: null },
      { period: "2024-09-30", touch_tier: "tech", nrr: 1, grr: 1 },
    ]);
  });

  it("binds --where values as parameters: quotes, semicolons and SQL come back as no rows, never as SQL", async () => {
    for (const value of ["SMB' OR 1=1 --", "SMB; DROP TABLE marts.accounts; --", "x' UNION SELECT * FROM raw.crm_accounts --"]) {
      expect(await run({ metrics: ["arr", "nrr"], where: { segment: value }, grain: "quarter" })).toEqual([]);
      expect(await run({ metrics: ["arr"], by: ["segment"], where: { segment: value } })).toEqual([]);
    }
    expect(await fixture.db.all("SELECT count(*) AS n FROM marts.accounts")).toEqual([{ n: 6 }]);
    const compiled = compileMetricQuery(
      { metrics: ["arr"], where: { segment: "SMB' OR 1=1 --" } },
      { catalog: catalog(), defaultWindow: 12 },
    );
    expect(compiled.sql).not.toContain("OR 1=1");
    expect(compiled.parameters).toContain("SMB' OR 1=1 --");
  });

  it("reads an account-month mart once for snapshot metrics with different filters, counting rows for accounts", async () => {
    const compiled = compileMetricQuery(
      { metrics: ["arr", "customers", "arpa"], by: ["segment"] },
      { catalog: catalog(), defaultWindow: 12 },
    );
    // ARR (no filter) and customers (ARR > 0) in one CTE; an account's row is unique in a month, so no DISTINCT.
    expect(compiled.sql).toMatch(/"m0" as \(select/);
    expect(compiled.sql).not.toMatch(/"m1" as/);
    expect(compiled.sql).not.toContain("DISTINCT am.account_id");
    // Only because a data test keeps account_months to a row per account and month; a mart without one
    // (a project's model that declares no such test) is counted distinct.
    const keyed = catalog().accountMonthTables;
    for (const table of ["account_months", "account_risk", "account_usage_months", "health_scores"])
      expect(keyed.has(table), table).toBe(true);
    for (const table of ["subscription_lines", "tickets", "renewals"]) expect(keyed.has(table), table).toBe(false);
    const undeclared = compileMetricQuery(
      { metrics: ["arr", "customers"], by: ["segment"] },
      { catalog: { ...catalog(), accountMonthTables: new Set() }, defaultWindow: 12 },
    );
    expect(undeclared.sql).toContain("count(DISTINCT CASE WHEN am.arr > 0 THEN am.account_id END)");
    // By hand from the movements fixture, September 2024: SMB M1 1,200 + M3 1,800 + M6 1,320 over three
    // paying accounts; the other segments as they stand.
    const rows = await run({ metrics: ["arr", "customers", "arpa"], by: ["segment"], from: "2024-09-30", to: "2024-09-30" });
    expect(rows.find((r) => r.segment === "SMB")).toEqual({ period: "2024-09-30", segment: "SMB", arr: 4_320, customers: 3, arpa: 1_440 });
  });

  it("filters by a dimension that exists", async () => {
    const rows = await run({ metrics: ["arr", "customers"], where: { segment: "SMB" }, grain: "quarter", from: "2024-12-01" });
    expect(rows).toEqual([{ period: "2024-12-31", arr: 1_200 + 1_800 + 1_320, customers: 3 }]);
  });
});

describe("support and voice-of-customer metrics", () => {
  /*
   * Tickets (hours to first response): Q1 T1 M1 2 h, T2 M1 6 h, T3 M4 24 h; Q2 T0 M5 3 h (before M5's
   * first paid month: counted, in no segment), T4 M4 1 h (10:00+02:00 is 08:00 UTC), T5 M5 no answer.
   * Paying accounts at quarter ends: 4, 5, 5, 5. Surveys in Q1: CSAT 5 and 2, CES 6 and 3.
   */
  it("counts tickets per period and per paying account, and the median first response", async () => {
    const rows = await run({ metrics: ["tickets", "tickets_per_account", "first_response_hours_median"], grain: "quarter" });
    expect(column(rows, "tickets")).toEqual([3, 3, 0, 0]);
    expect(column(rows, "tickets_per_account")).toEqual([3 / 4, 3 / 5, 0, 0]);
    expect(column(rows, "first_response_hours_median")).toEqual([6, 2, null, null]);
    // p75 by linear interpolation: Q1 of 2, 6, 24 → 6 + 0.5 × (24 − 6) = 15; Q2 of 1, 3 → 1 + 0.75 × 2 = 2.5.
    expect(column(await run({ metrics: ["first_response_hours_p75"], grain: "quarter" }), "first_response_hours_p75")).toEqual([
      15,
      2.5,
      null,
      null,
    ]);
    const q1 = await run({ metrics: ["tickets", "first_response_hours_median"], by: ["segment"], grain: "quarter", to: "2024-03-31" });
    expect(q1).toEqual([
      { period: "2024-03-31", segment: "Enterprise", tickets: 0, first_response_hours_median: null },
      { period: "2024-03-31", segment: "Mid-Market", tickets: 1, first_response_hours_median: 24 },
      { period: "2024-03-31", segment: "SMB", tickets: 2, first_response_hours_median: 4 },
    ]);
    // Filtered by a dimension it is not grouped by (the account's segment joined on for the filter
    // alone): Q1 has T1 and T2 of M1 (SMB); Q2 none of SMB's (T0 and T5 are M5's, T4 M4's).
    const smb = await run({
      metrics: ["tickets", "first_response_hours_median"],
      where: { segment: "SMB" },
      grain: "quarter",
      to: "2024-06-30",
    });
    expect(smb).toEqual([
      { period: "2024-03-31", tickets: 2, first_response_hours_median: 4 },
      { period: "2024-06-30", tickets: 0, first_response_hours_median: null },
    ]);
  });

  it("scores NPS on each contact's latest answer in the period", async () => {
    // Q1: c4 answered 9 then 3 (latest: detractor), c1 10 (promoter), c3 8 (passive) → (1 − 1) / 3 = 0.
    // Counting every answer would give (2 − 1) / 4. Q2: c5 10 → 1. Q3, Q4: no answers → null.
    const rows = await run({ metrics: ["nps"], grain: "quarter" });
    expect(column(rows, "nps")).toEqual([0, 1, null, null]);
    // Over the year the latest answers are the same four contacts' last: c4 3, c1 10, c3 8, c5 10 → (2 − 1) / 4.
    expect(await run({ metrics: ["nps"], grain: "year" })).toEqual([{ period: "2024-12-31", nps: 0.25 }]);
  });

  it("averages CSAT and CES over the period's answers, undefined where there are none", async () => {
    const rows = await run({ metrics: ["csat_avg", "ces_avg"], grain: "quarter", to: "2024-06-30" });
    expect(rows).toEqual([
      { period: "2024-03-31", csat_avg: 3.5, ces_avg: 4.5 },
      { period: "2024-06-30", csat_avg: null, ces_avg: null },
    ]);
  });
});

describe("adoption and expansion metrics", () => {
  /*
   * Usage at 2024-12-31. M1: u3 on Nov 25 (outside the 30 days (Dec 1, Dec 31]), u4 on Dec 1 (outside
   * them too, but in December), u1 on Dec 2 and 3, u2 on Dec 3; M4: u9 on Dec 20.
   *   30-day active: M1 {u1, u2} + M4 {u9} = 3. December active: M1 {u4, u1, u2} + M4 {u9} = 4.
   *   Daily active summed over December's 31 days: M1 1 + 1 + 2, M4 1 → 5 / 31 on average.
   * Seats at 2024-12-31: M1 1, M3 3, M4 4, M5 1 + 1, M6 1 = 11 (M2 has churned).
   * CS-sourced opportunities: Q1 O1 won; Q2 O2 lost; Q3 none; Q4 O3 won, O5 still open.
   */
  it("computes license utilisation and DAU/MAU at the period end", async () => {
    const [q4] = await run({
      metrics: ["active_users_30d", "seats", "license_utilization", "monthly_active_users", "dau_mau"],
      grain: "quarter",
      from: "2024-12-01",
    });
    expect(q4).toEqual({
      period: "2024-12-31",
      active_users_30d: 3,
      seats: 11,
      license_utilization: 3 / 11,
      monthly_active_users: 4,
      dau_mau: 5 / 31 / 4,
    });
  });

  it("computes CSQL conversion over closed CS-sourced expansion leads, and the average expansion", async () => {
    const rows = await run({ metrics: ["csql_won", "csql_closed", "csql_conversion", "avg_expansion_size"], grain: "quarter" });
    // O1 won (Q1), O2 lost (Q2), O3 won (Q4; O5 is open). O6, M4's renewal won by CS in Q3, is not a lead.
    expect(column(rows, "csql_closed")).toEqual([1, 1, 0, 1]);
    expect(column(rows, "csql_conversion")).toEqual([1, 0, null, 1]);
    expect(column(rows, "avg_expansion_size")).toEqual([null, null, null, 12_000]);
  });
});

describe("cohorts, time to expansion and growth", () => {
  it("measures each cohort against its accounts' ARR in their first paid month", async () => {
    // June 2024. January cohort (M1, M2, M3): 1,200 + 0 + 1,800 of 1,200 + 2,400 + 1,200; 2 of 3 still pay.
    // February (M4 108,000), March (M6 1,320) and May (M5 120,000) cohorts are whole.
    const rows = await run({
      metrics: ["cohort_revenue_retention", "cohort_logo_retention"],
      by: ["cohort_month"],
      from: "2024-06-01",
      to: "2024-06-30",
    });
    expect(rows).toEqual([
      { period: "2024-06-30", cohort_month: "2024-01-01", cohort_revenue_retention: 3_000 / 4_800, cohort_logo_retention: 2 / 3 },
      { period: "2024-06-30", cohort_month: "2024-02-01", cohort_revenue_retention: 1, cohort_logo_retention: 1 },
      { period: "2024-06-30", cohort_month: "2024-03-01", cohort_revenue_retention: 1, cohort_logo_retention: 1 },
      { period: "2024-06-30", cohort_month: "2024-05-01", cohort_revenue_retention: 1, cohort_logo_retention: 1 },
    ]);
  });

  it("measures time to first expansion in days between month ends", async () => {
    // M5: first paid in May (2024-05-31), first grew in October (2024-10-31): 153 days. Nobody else grew.
    const rows = await run({ metrics: ["time_to_expansion_days"], grain: "quarter" });
    expect(column(rows, "time_to_expansion_days")).toEqual([null, null, null, 153]);
  });

  it("computes period-over-period ARR growth, null for the first period shown", async () => {
    const rows = await run({ metrics: ["arr", "arr_growth"], grain: "quarter" });
    expect(column(rows, "arr_growth")).toEqual([null, 232_320 / 112_920 - 1, 167_520 / 232_320 - 1, 179_520 / 167_520 - 1]);
    const bySegment = await run({ metrics: ["arr_growth"], by: ["segment"], grain: "quarter", from: "2024-09-01", to: "2024-12-31" });
    // Within each group: Enterprise 120,000 → 132,000; Mid-Market and SMB unchanged from Q3 to Q4.
    expect(bySegment.filter((r) => r.period === "2024-12-31").map((r) => [r.segment, r.arr_growth])).toEqual([
      ["Enterprise", 132_000 / 120_000 - 1],
      ["Mid-Market", 0],
      ["SMB", 0],
    ]);
  });
});

describe("results as Arrow and Parquet", () => {
  it("gives the same rows as an Arrow table", async () => {
    const result = await query(fixture.db, fixture.config, { metrics: ["arr", "new_arr"], by: ["segment"], grain: "quarter" });
    const table = toArrow(result);
    expect(table.numRows).toBe(12);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["period", "segment", "arr", "new_arr"]);
    expect(table.get(11)?.toJSON()).toEqual({ period: "2024-12-31", segment: "SMB", arr: 4_320, new_arr: 0 });
  });

  it("writes Parquet through the CLI with the same values as JSON, and lists the catalog", async () => {
    fixture.db.close();
    const out = join(fixture.dir, "bridge.parquet");
    const args = ["query", "new_arr,churned_arr,quick_ratio", "--grain", "quarter", "--warehouse", fixture.config.warehouse];
    expect(cli([...args, "--format", "parquet", "--out", out], fixture.dir).status).toBe(0);
    const json = JSON.parse(cli([...args, "--format", "json"], fixture.dir).stdout);
    const db = await Warehouse.open(":memory:");
    try {
      expect(
        await db.all(`SELECT strftime(period, '%Y-%m-%d') AS period, new_arr, churned_arr, quick_ratio FROM read_parquet('${out}')`),
      ).toEqual(json);
    } finally {
      db.close();
    }
    const listed = JSON.parse(cli(["metrics", "--format", "json"], fixture.dir).stdout) as {
      metrics: { name: string; description: string; formula: string }[];
    };
    expect(listed.metrics.map((m) => m.name).sort()).toEqual([...catalog().metrics.keys()].sort());
    expect(listed.metrics.every((m) => m.description.length > 20 && m.formula.length > 0)).toBe(true);
  });
});
