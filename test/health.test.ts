import { join } from "node:path";
import { RELATIONSHIP_MEASURE } from "./support/relationship-measure.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigInput } from "../project/config.ts";
import { buildCatalog, catalog } from "../metrics/catalog.ts";
import { icpFit } from "../metrics/icp.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import type { MetricQuery } from "../metrics/compile.ts";
import { buildFixture, cli, FIXTURES, tempDir } from "./helpers.ts";

/*
 * test/fixtures/health (README there): four accounts from 2025-01-01, as of 2025-03-31.
 * ARR: H1 30,000 (SMB) · H2 60,000 and H3 30,000 (Enterprise) · H4 24,000 (Mid-Market) until 2025-03-01.
 *
 * Scorecard for these tests (weights 1 : 1 : 2):
 *   relationship          [[0, 0], [2, 100]]   1 champion or buyer → 50
 *   open_urgent_tickets   [[0, 100], [4, 0]]   falls: 0 open → 100, 4 open → 0
 *   sentiment             [[0, 0], [10, 100]]  latest NPS in 180 days, ×10
 */
const SCORECARD: ConfigInput = {
  asOf: "2025-03-31",
  health: {
    horizonMonths: 1,
    measures: [
      RELATIONSHIP_MEASURE,
      {
        input: "open_urgent_tickets",
        weight: 1,
        thresholds: [
          [0, 100],
          [4, 0],
        ],
      },
      {
        input: "sentiment",
        weight: 2,
        thresholds: [
          [0, 0],
          [10, 100],
        ],
      },
    ],
  },
  icp: { minAccounts: 2 },
};

let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "health"), SCORECARD);
});
afterAll(() => fixture?.cleanup());
const run = (request: MetricQuery) => query(fixture.db, fixture.config, request).then((r) => r.rows);
const march = { from: "2025-03-31", to: "2025-03-31" } as const;
const byKey = (rows: MetricRow[], key: string) => Object.fromEntries(rows.map((r) => [String(r[key]), r]));

describe("health score", () => {
  it("scores each account in March by hand", async () => {
    const rows = await fixture.db.all<MetricRow>(
      "SELECT account_id, score, health_band, missing_measures FROM marts.health_scores WHERE month_end = DATE '2025-03-31' ORDER BY account_id",
    );
    expect(rows).toEqual([
      // relationship 1 → 50; no open tickets → 100 (the first point exactly); no NPS in 180 days: the
      // sentiment weight drops out and the other two renormalise to ½ each: (50 + 100) / 2.
      { account_id: "H1", score: 75, health_band: "green", missing_measures: "sentiment" },
      // 2 contacts → 100 and 4 open high/urgent → 0 (the last points exactly; T5 was solved); NPS 4
      // → 40 (the 9 of August 2024 is over 180 days old): (100 + 0 + 2 × 40) / 4.
      { account_id: "H2", score: 45, health_band: "yellow", missing_measures: null },
      // a user and a champion who left on the 31st → 0; T6 solved on the 31st → 0 open → 100; NPS 3
      // → 30: (0 + 100 + 60) / 4 = 40, on the red/yellow edge, which is yellow.
      { account_id: "H3", score: 40, health_band: "yellow", missing_measures: null },
    ]);
  });

  it("keeps each measure's score, renormalised weight and contribution", async () => {
    const rows = await fixture.db.all<MetricRow>(
      `SELECT measure, value, score, weight, contribution, is_missing FROM marts.health_measure_scores
       WHERE account_id = 'H1' AND month_index = 2025 * 12 + 2 ORDER BY measure`,
    );
    expect(rows).toEqual([
      { measure: "open_urgent_tickets", value: 0, score: 100, weight: 0.5, contribution: 50, is_missing: false },
      { measure: "relationship", value: 1, score: 50, weight: 0.5, contribution: 25, is_missing: false },
      { measure: "sentiment", value: null, score: null, weight: null, contribution: null, is_missing: true },
    ]);
  });

  it("scores the day before: H3's champion still there, T6 still open, no NPS yet", async () => {
    const h3 = await fixture.db.one<MetricRow>(
      "SELECT score, missing_measures FROM marts.health_scores WHERE account_id = 'H3' AND month_end = DATE '2025-02-28'",
    );
    // relationship 1 → 50, one open → 75, sentiment missing: (50 + 75) / 2.
    expect(h3).toEqual({ score: 62.5, missing_measures: "sentiment" });
  });

  it("has no ticket data before the help desk's first ticket, and no score from too little of the scorecard", async () => {
    // The first ticket (T6) is in February: January's open-ticket count is unknown, not 0 (which would
    // score 100). H1 in January: relationship 1 → 50 is all there is, 1 of the weights' 4 = the default
    // minimum coverage of 25%, so it scores 50.
    const january = await fixture.db.all<MetricRow>(
      `SELECT s.account_id, s.score, s.coverage, s.health_band, i.open_urgent_tickets FROM marts.health_scores AS s
       JOIN marts.health_inputs AS i USING (account_id, month_index) WHERE s.month_end = DATE '2025-01-31' ORDER BY 1`,
    );
    expect(january[0]).toEqual({ account_id: "H1", score: 50, coverage: 0.25, health_band: "yellow", open_urgent_tickets: null });
    // H4 has no contacts either: nothing at all, unscored.
    expect(january.find((r) => r.account_id === "H4")).toMatchObject({ score: null, coverage: 0, health_band: "unscored" });

    // Asking for half the weights: January (25%) is unscored; February adds the open tickets (0 → 100),
    // so H1 has 2 of 4 and scores (50 + 100) / 2.
    const strict = await buildFixture(join(FIXTURES, "health"), { ...SCORECARD, health: { ...SCORECARD.health, minCoverage: 0.5 } });
    try {
      const h1 = await strict.db.all<MetricRow>(
        "SELECT month_end, score, health_band FROM marts.health_scores WHERE account_id = 'H1' AND month_end < DATE '2025-03-01' ORDER BY 1",
      );
      expect(h1.map((r) => [String(r.month_end).slice(0, 10), r.score, r.health_band])).toEqual([
        ["2025-01-31", null, "unscored"],
        ["2025-02-28", 75, "green"],
      ]);
    } finally {
      await strict.cleanup();
    }
  });

  it("counts accounts and ARR by band, and averages the score", async () => {
    const rows = await run({ metrics: ["health_accounts", "health_arr", "health_score_avg"], by: ["health_band"], ...march });
    expect(byKey(rows, "health_band")).toEqual({
      // H4 had no measure with data in January (no contacts; the help desk's first ticket is in February),
      // so "unscored" is a band in the data; in March nobody is in it.
      unscored: { period: "2025-03-31", health_band: "unscored", health_accounts: 0, health_arr: 0, health_score_avg: null },
      green: { period: "2025-03-31", health_band: "green", health_accounts: 1, health_arr: 30_000, health_score_avg: 75 },
      yellow: { period: "2025-03-31", health_band: "yellow", health_accounts: 2, health_arr: 90_000, health_score_avg: 42.5 },
    });
    const [book] = await run({ metrics: ["health_score_avg"], ...march });
    expect(book?.health_score_avg).toBeCloseTo((75 + 45 + 40) / 3, 10);
  });

  it("backtests one month ahead: H4's February snapshot churned, no churn was warned of", async () => {
    const rows = await fixture.db.all<MetricRow>(
      "SELECT account_id, month_index - 2025 * 12 AS month, churned FROM marts.health_backtest WHERE churned_or_contracted",
    );
    expect(rows).toEqual([{ account_id: "H4", month: 1, churned: true }]);
    // H4 had no contacts, tickets or answers in February: only open tickets scored, 100, green.
    const [leads] = await run({ metrics: ["health_warned_share"], ...march });
    expect(leads?.health_warned_share).toBe(0);
  });

  it("measures February's snapshots against March: churn rate by band and the AUC", async () => {
    // February scores: H1 75 (one champion, no tickets), H2 100 (no ticket yet, its only NPS too old),
    // H3 62.5 (as above), H4 100. Only H4 churned in March.
    const february = { from: "2025-02-28", to: "2025-02-28" } as const;
    const [book] = await run({ metrics: ["health_churn_rate", "health_auc"], ...february });
    expect(book?.health_churn_rate).toBe(0.25);
    // The one outcome (H4, 100) is above nobody and tied with H2: ½ of 3 pairs.
    expect(book?.health_auc).toBeCloseTo(0.5 / 3, 12);
    // Its footing: 1 snapshot with the outcome, 3 without; Hanley and McNeil's interval, A = 1/6:
    // Q1 = A/(2 − A) = 1/11, Q2 = 2A²/(1 + A) = 1/21; SE² = (A(1 − A) + 0 · (Q1 − A²) + 2 · (Q2 − A²)) / 3.
    const [footing] = await run({
      metrics: ["health_backtest_outcomes", "health_backtest_others", "health_auc_low", "health_auc_high"],
      ...february,
    });
    expect(footing).toMatchObject({ health_backtest_outcomes: 1, health_backtest_others: 3 });
    const a = 1 / 6;
    const se = Math.sqrt((a * (1 - a) + 2 * ((2 * a * a) / (1 + a) - a * a)) / 3);
    expect(footing?.health_auc_low).toBeCloseTo(Math.max(0, a - 1.96 * se), 12);
    expect(footing?.health_auc_high).toBeCloseTo(Math.min(1, a + 1.96 * se), 12);
    const bands = byKey(await run({ metrics: ["health_churn_rate"], by: ["health_band"], ...february }), "health_band");
    expect(bands.green?.health_churn_rate).toBeCloseTo(1 / 3, 12);
    expect(bands.yellow?.health_churn_rate).toBe(0);
  });

  it("counts red accounts renewing within 180 days as at risk, with the config's bands", async () => {
    // Red below 50: H2 (45) and H3 (40). Their monthly lines renew on the next 1st: 2025-04-01.
    const other = await buildFixture(join(FIXTURES, "health"), {
      ...SCORECARD,
      healthBands: [{ name: "red", below: 50 }, { name: "yellow", below: 70 }, { name: "green" }],
    });
    try {
      const renewals = await other.db.all(
        "SELECT account_id, strftime(next_renewal_date, '%Y-%m-%d') AS renewal, days_to_renewal, is_red FROM marts.health_scores WHERE month_index = 2025 * 12 + 2 ORDER BY 1",
      );
      expect(renewals).toEqual([
        { account_id: "H1", renewal: "2025-04-01", days_to_renewal: 1, is_red: false },
        { account_id: "H2", renewal: "2025-04-01", days_to_renewal: 1, is_red: true },
        { account_id: "H3", renewal: "2025-04-01", days_to_renewal: 1, is_red: true },
      ]);
      const [row] = (await query(other.db, other.config, { metrics: ["at_risk_arr", "at_risk_accounts"], ...march })).rows;
      expect(row).toMatchObject({ at_risk_arr: 60_000 + 30_000, at_risk_accounts: 2 });
    } finally {
      other.cleanup();
    }
  });

  it("refuses a scorecard whose thresholds do not rise, naming the measure's point", async () => {
    const result = cli(
      ["query", "arr", "--config", join(FIXTURES, "..", "fixtures", "health", "bad-scorecard.config.ts")],
      join(FIXTURES, "health"),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("health.measures[0].thresholds[2][0]: values must rise: expected a number above 0.5 (got 0.5)");
  });
});

describe("time to value (milestone value_one)", () => {
  // Start 2025-01-01 for all. H1 value on 01-21: 20 days; H2 on 03-02: 60 days; H3 (only a kickoff)
  // and H4 never: censored at their age on 2025-03-31, 89 days.
  it("reports median, p75 and reached-within shares among accounts old enough", async () => {
    const [january] = await run({
      metrics: ["ttv_median_days", "ttv_p75_days", "ttv_reached_30d", "ttv_reached_60d", "ttv_reached_90d"],
      from: "2025-01-31",
      to: "2025-01-31",
    });
    expect(january).toEqual({
      period: "2025-01-31",
      ttv_median_days: 40, // median(20, 60)
      ttv_p75_days: 50, // 20 + 0.75 × (60 − 20)
      ttv_reached_30d: 0.25, // H1 of the four (all are ≥ 30 days old)
      ttv_reached_60d: 0.5, // H1 and H2
      ttv_reached_90d: null, // nobody is 90 days old yet
    });
  });

  it("takes the Kaplan–Meier median, counting the two accounts not there yet as censored", async () => {
    // t = 20: 4 at risk, 1 reaches → S = 3/4. t = 60: 3 at risk, 1 reaches → S = 3/4 × 2/3 = 1/2 ≤ ½.
    const [january] = await run({ metrics: ["ttv_km_median_days"], from: "2025-01-31", to: "2025-01-31" });
    expect(january?.ttv_km_median_days).toBe(60);
  });

  it("takes the value date from usage when the config says so: N users over a trailing 7 days", async () => {
    const other = await buildFixture(join(FIXTURES, "health"), { ...SCORECARD, timeToValue: { rule: "usage", activeUsers: 3 } });
    try {
      const ttv = await other.db.all<MetricRow>(
        "SELECT account_id, strftime(value_date, '%Y-%m-%d') AS value_date, ttv_days FROM marts.account_ttv WHERE reached ORDER BY 1",
      );
      // H1: the 7 days ending January 15 (9th–15th) hold u3, u1, u2. H2: three users before it started, floored at 0.
      expect(ttv).toEqual([
        { account_id: "H1", value_date: "2025-01-15", ttv_days: 14 },
        { account_id: "H2", value_date: "2024-12-20", ttv_days: 0 },
      ]);
      const [january] = (
        await query(other.db, other.config, { metrics: ["ttv_median_days", "ttv_reached_30d"], from: "2025-01-31", to: "2025-01-31" })
      ).rows;
      expect(january).toMatchObject({ ttv_median_days: 7, ttv_reached_30d: 0.5 });
    } finally {
      other.cleanup();
    }
  });

  it("groups by segment in the start month", async () => {
    const rows = await run({ metrics: ["ttv_median_days"], by: ["segment"], from: "2025-01-31", to: "2025-01-31" });
    expect(byKey(rows, "segment")).toMatchObject({
      SMB: { ttv_median_days: 20 },
      Enterprise: { ttv_median_days: 60 },
      "Mid-Market": { ttv_median_days: null },
    });
  });
});

describe("cost to retain (March 2025, window 1 month)", () => {
  // Retention cost in March: csm 1,000 to SMB; support 4,000 unsegmented, shared by March ARR
  // (SMB 30,000 : Enterprise 90,000 = ¼ : ¾) → SMB 1,000, Enterprise 3,000. account_management
  // (500, Enterprise) is not a retention cost centre. S = February ARR: SMB 30,000, Enterprise 90,000,
  // Mid-Market 24,000 (H4, gone in March); 144,000 in all. March MRR: SMB 2,500, Enterprise 7,500.
  const window = 1;

  it("allocates the unsegmented cost pro-rata to segment ARR", async () => {
    const rows = await run({ metrics: ["retention_cost"], by: ["segment"], ...march });
    expect(byKey(rows, "segment")).toEqual({
      SMB: { period: "2025-03-31", segment: "SMB", retention_cost: 2_000 },
      Enterprise: { period: "2025-03-31", segment: "Enterprise", retention_cost: 3_000 },
      // A segment of the book with no cost that month shows 0, not a missing row.
      "Mid-Market": { period: "2025-03-31", segment: "Mid-Market", retention_cost: 0 },
    });
  });

  it("computes cost to retain, per retained dollar and as % of revenue by segment", async () => {
    const rows = byKey(
      await run({ metrics: ["cost_to_retain", "cost_per_retained_dollar", "cs_cost_pct_revenue"], by: ["segment"], window, ...march }),
      "segment",
    );
    expect(rows.SMB).toMatchObject({ cost_to_retain: 2_000 / 30_000, cost_per_retained_dollar: 2_000 / 30_000, cs_cost_pct_revenue: 0.8 });
    expect(rows.Enterprise).toMatchObject({
      cost_to_retain: 3_000 / 90_000,
      cost_per_retained_dollar: 3_000 / 90_000,
      cs_cost_pct_revenue: 0.4,
    });
    // Mid-Market had ARR under management but no cost and nothing retained.
    expect(rows["Mid-Market"]).toMatchObject({ cost_to_retain: 0, cost_per_retained_dollar: null, cs_cost_pct_revenue: null });
    const [book] = await run({ metrics: ["cost_to_retain", "cost_per_retained_dollar", "cs_cost_pct_revenue"], window, ...march });
    expect(book).toMatchObject({ cost_to_retain: 5_000 / 144_000, cost_per_retained_dollar: 5_000 / 120_000, cs_cost_pct_revenue: 0.5 });
  });

  it("has no trailing-window figure before the window is inside the data", async () => {
    // The data starts in January 2025. With a 2-month window January's would reach into December: unknown,
    // not January's share alone. February: no cost in January–February, 0. March: 5,000 of retention cost
    // over February's and March's revenue, MRR 12,000 (H1 2,500, H2 5,000, H3 2,500, H4 2,000) + 10,000.
    const rows = await run({ metrics: ["cs_cost_pct_revenue"], window: 2, from: "2025-01-31", to: "2025-03-31" });
    expect(rows.map((r) => r.cs_cost_pct_revenue)).toEqual([null, 0, 5_000 / 22_000]);
  });

  it("splits by cost centre over the whole book's S", async () => {
    const rows = await run({ metrics: ["retention_cost", "cost_to_retain"], by: ["cost_center"], window, ...march });
    expect(rows).toEqual([
      { period: "2025-03-31", cost_center: "csm", retention_cost: 1_000, cost_to_retain: 1_000 / 144_000 },
      { period: "2025-03-31", cost_center: "support", retention_cost: 4_000, cost_to_retain: 4_000 / 144_000 },
    ]);
  });

  it("allocates by account count when the config says so", async () => {
    const other = await buildFixture(join(FIXTURES, "health"), { ...SCORECARD, costs: { allocateBy: "accounts" } });
    try {
      const rows = (await query(other.db, other.config, { metrics: ["retention_cost"], by: ["segment"], ...march })).rows;
      // 1 SMB and 2 Enterprise accounts pay in March: 4,000 × ⅓ and × ⅔.
      expect(byKey(rows, "segment").SMB?.retention_cost).toBeCloseTo(1_000 + 4_000 / 3, 2);
      expect(byKey(rows, "segment").Enterprise?.retention_cost).toBeCloseTo((4_000 * 2) / 3, 2);
    } finally {
      other.cleanup();
    }
  });

  it("counts ARR and accounts per CSM who owns a paying account, a CSM shared between segments by their accounts", async () => {
    // In March Ana owns H1 (SMB, 30,000) and H2 (Enterprise, 60,000), Ben owns H3 (Enterprise, 30,000):
    // half of Ana is in SMB, half of Ana and all of Ben in Enterprise, so the segments' 0.5 + 1.5 CSMs
    // add up to the book's 2.
    const rows = byKey(await run({ metrics: ["csms", "arr_per_csm", "accounts_per_csm"], by: ["segment"], ...march }), "segment");
    expect(rows.SMB).toMatchObject({ csms: 0.5, arr_per_csm: 60_000, accounts_per_csm: 2 });
    expect(rows.Enterprise?.csms).toBe(1.5);
    expect(rows.Enterprise?.arr_per_csm).toBeCloseTo(90_000 / 1.5, 9);
    expect(rows.Enterprise?.accounts_per_csm).toBeCloseTo(2 / 1.5, 9);
    const [book] = await run({ metrics: ["arr_per_csm", "accounts_per_csm"], ...march });
    expect(book).toMatchObject({ arr_per_csm: 60_000, accounts_per_csm: 1.5 });
  });
});

describe("ICP fit (March 2025, window 1 month)", () => {
  it("gives Wilson 95% intervals for 0 of n and n of n", async () => {
    // z = 1.96, z² = 3.8416. 0 of n: [0, z² / (n + z²)]. n of n: [n / (n + z²), 1].
    const rows = byKey(
      await run({ metrics: ["logo_retention", "logo_retention_low", "logo_retention_high"], by: ["segment"], window: 1, ...march }),
      "segment",
    );
    expect(rows["Mid-Market"]?.logo_retention).toBe(0);
    expect(rows["Mid-Market"]?.logo_retention_low).toBeCloseTo(0, 12);
    expect(rows["Mid-Market"]?.logo_retention_high).toBeCloseTo(3.8416 / 4.8416, 12);
    expect(rows.Enterprise?.logo_retention).toBe(1);
    expect(rows.Enterprise?.logo_retention_low).toBeCloseTo(2 / 5.8416, 12);
    expect(rows.Enterprise?.logo_retention_high).toBeCloseTo(1, 12);
  });

  it("computes lift over the whole book and flags groups under the minimum", async () => {
    const table = await icpFit(fixture.db, fixture.config, { at: "2025-03-31", window: 1 });
    if (!table) throw new Error("no ICP table");
    // Book: S = 144,000, kept 120,000 → NRR 5/6.
    expect(table.book.nrr).toBeCloseTo(120_000 / 144_000, 12);
    const software = table.rows.find((r) => r.dimension === "industry" && r.value === "Software");
    const retail = table.rows.find((r) => r.dimension === "industry" && r.value === "Retail");
    // Software (H1, H2): 90,000 kept of 90,000 → NRR 1, lift 1.2; TTV median(20, 60); health (75 + 45) / 2.
    expect(software).toMatchObject({
      accounts: 2,
      arr: 90_000,
      arr_share: 0.625,
      nrr: 1,
      too_small: false,
      ttv_median_days: 40,
      health_score_avg: 60,
    });
    expect(software?.lift).toBeCloseTo(1.2, 12);
    // Retail (H3, H4): 30,000 kept of 54,000.
    expect(retail?.lift).toBeCloseTo(30_000 / 54_000 / (120_000 / 144_000), 12);
    expect(retail?.ttv_median_days).toBeNull();
    // Lift's 95% interval, NRR's over the book's. Software's two accounts each kept exactly their ARR: no
    // spread, so [1.2, 1.2]. Retail: H3 kept 30,000 of 30,000, H4 0 of 24,000; R = 5/9, each e − R·s is
    // ±40,000/3, so SE = √(2 · (40,000/3)² / 2) / 27,000 = 40/81; NRR 5/9 ± 1.96 · 40/81, the low end
    // clamped at 0; lift high (5/9 + 1.96 · 40/81) / (5/6).
    expect(software?.lift_low).toBeCloseTo(1.2, 9);
    expect(software?.lift_high).toBeCloseTo(1.2, 9);
    expect(retail?.lift_low).toBe(0);
    expect(retail?.lift_high).toBeCloseTo((5 / 9 + (1.96 * 40) / 81) / (5 / 6), 9);
    // One-account groups (employee bands 50–99 and 250–999) are flagged and listed after the rest.
    const flagged = table.rows.filter((r) => r.too_small).map((r) => r.value);
    expect(flagged.sort()).toEqual(["250–999", "50–99"]);
    expect(table.rows.slice(-2).every((r) => r.too_small)).toBe(true);
    const trusted = table.rows.filter((r) => !r.too_small).map((r) => r.lift ?? 0);
    expect(trusted).toEqual([...trusted].sort((a, b) => b - a));
  });
});

describe("the command line on the fixture", () => {
  const config = join(FIXTURES, "health", "icp.config.ts");
  let dir: ReturnType<typeof tempDir>;
  let warehouse: string;
  beforeAll(() => {
    dir = tempDir();
    warehouse = join(dir.dir, "warehouse.duckdb");
    const built = cli(
      [
        "build",
        "--sources",
        join(FIXTURES, "health"),
        "--config",
        config,
        "--warehouse",
        warehouse,
        "--site",
        join(dir.dir, "site"),
        "--quiet",
      ],
      dir.dir,
    );
    if (built.status !== 0) throw new Error(built.stderr);
  });
  afterAll(() => dir?.cleanup());

  it("refuses to split a cost by an account attribute, with exit 2", () => {
    const result = cli(["query", "cost_to_retain", "--by", "industry", "--config", config, "--warehouse", warehouse], dir.dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("retention_cost_window can't be grouped or filtered by industry");
  });

  it("prints the ICP table, sorted by lift, with small groups flagged", () => {
    const result = cli(["icp", "--window", "1", "--config", config, "--warehouse", warehouse], dir.dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // Software: n 2, 90,000 of S 144,000 = 62.5%, NRR 100%, lift 1.2.
    expect(result.stdout).toMatch(/industry\s+Software\s+2\s+62\.5%\s+100\.0%\s+1\.20×\s+1\.20–1\.20×/);
    expect(result.stdout).toContain("too small (n < 2)");
  });
});

describe("AUC and Kaplan–Meier metric types, on hand-made facts", () => {
  // Facts in March 2025; H1's rows are SMB, H2's Enterprise (their segment that month).
  const types = () =>
    buildCatalog(
      [
        {
          name: "score_auc",
          label: "AUC",
          description: "test",
          formula: "test",
          format: "ratio",
          type: "auc",
          table: "test_scores",
          score: "f.score",
          outcome: "f.outcome",
        },
        {
          name: "km_median",
          label: "KM median",
          description: "test",
          formula: "test",
          format: "days",
          type: "kaplan_meier",
          table: "test_durations",
          duration: "f.days",
          event: "f.event",
        },
      ],
      [...catalog().dimensions.values()],
    );
  beforeAll(async () => {
    const m = 2025 * 12 + 2;
    await fixture.db.run(`CREATE TABLE marts.test_scores AS SELECT * FROM (VALUES
      ('H1', ${m}, 10, true), ('H1', ${m}, 20, true), ('H1', ${m}, 20, false), ('H1', ${m}, 30, false), ('H1', ${m}, 40, false),
      ('H2', ${m}, 50, true), ('H2', ${m}, 50, false)) AS t(account_id, month_index, score, outcome)`);
    await fixture.db.run(`CREATE TABLE marts.test_durations AS SELECT * FROM (VALUES
      ('H1', ${m}, 5, true), ('H1', ${m}, 8, false), ('H1', ${m}, 10, true), ('H1', ${m}, 12, true), ('H1', ${m}, 15, false),
      ('H2', ${m}, 5, true), ('H2', ${m}, 9, false), ('H2', ${m}, 9, false)) AS t(account_id, month_index, days, event)`);
  });
  const ask = (metric: string) =>
    query(fixture.db, fixture.config, { metrics: [metric], by: ["segment"], ...march }, types()).then((r) => byKey(r.rows, "segment"));

  it("counts ties half in the AUC", async () => {
    const rows = await ask("score_auc");
    // SMB: outcome rows 10 and 20 against 20, 30, 40 without: 10 is below all three (3); 20 ties one
    // (½) and is below two (2). (3 + 2.5) / (2 × 3).
    expect(rows.SMB?.score_auc).toBeCloseTo(5.5 / 6, 12);
    // Enterprise: one pair, tied: ½. Mid-Market: no rows, no AUC.
    expect(rows.Enterprise?.score_auc).toBe(0.5);
    expect(rows["Mid-Market"]?.score_auc).toBeNull();
  });

  it("takes the Kaplan–Meier median over censored rows, null when the curve stays above ½", async () => {
    const rows = await ask("km_median");
    // SMB: t = 5: 5 at risk, 1 event → 0.8; 8 censored; t = 10: 3 at risk → 0.8 × ⅔ = 0.533; t = 12:
    // 2 at risk → 0.267 ≤ ½ → 12 (the median of the event times alone would be 10).
    expect(rows.SMB?.km_median).toBe(12);
    // Enterprise: t = 5: 3 at risk, 1 event → ⅔; the other two are censored at 9. Never ≤ ½.
    expect(rows.Enterprise?.km_median).toBeNull();
  });
});

describe("ICP fit before any data", () => {
  it("has nothing to compare before the first month", async () => {
    expect(await icpFit(fixture.db, fixture.config, { at: "2020-01-31" })).toBeNull();
  });
});
