import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { RENEWALS_CONFIG } from "./fixtures/renewals/config.ts";
import { buildFixture, FIXTURES, tempDir } from "./helpers.ts";

/*
 * test/fixtures/renewals (README there): six accounts from January 2024, as of 2025-12-31, grace 30 days;
 * the config (config.ts there) scores health by relationship alone, with a 3-month backtest horizon.
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "renewals"), RENEWALS_CONFIG);
});
afterAll(() => fixture?.cleanup());
const run = (request: MetricQuery) => query(fixture.db, fixture.config, request).then((r) => r.rows);
const at = (rows: MetricRow[], period: string) => rows.find((r) => r.period === period);

describe("renewals", () => {
  it("finds each due date of an annual, a 2-year and an open quarterly line, with ARR due and outcome", async () => {
    const rows = await fixture.db.all<MetricRow>(`
      SELECT account_id, {{ format_time(due_date, '%Y-%m-%d') }} AS due, {{ float(arr_due) }} AS due_arr,
        {{ float(arr_outcome) }} AS outcome_arr, outcome
      FROM marts.renewals ORDER BY account_id, due_date`);
    const quarterly = (due: string, outcome: number | null) => ({
      account_id: "A3",
      due,
      due_arr: 12_000,
      outcome_arr: outcome,
      outcome: outcome === null ? "pending" : "renewed",
    });
    expect(rows).toEqual([
      // S1's anniversary is its end: 12,000 the day before, 18,000 (S2) thirty days after.
      { account_id: "A1", due: "2025-01-01", due_arr: 12_000, outcome_arr: 18_000, outcome: "expanded" },
      // S2 ends on 2026-01-01, after the as-of: due, outcome not known yet.
      { account_id: "A1", due: "2026-01-01", due_arr: 18_000, outcome_arr: null, outcome: "pending" },
      // The 2-year line (48,000 per 24 months = 24,000 ARR) is due once, at 24 months.
      { account_id: "A2", due: "2026-01-01", due_arr: 24_000, outcome_arr: null, outcome: "pending" },
      // The open quarterly line is due every three months from 2024-01-15, to the end of the fourth
      // quarter after the as-of (2026-12-31); the 2025-10-15 outcome is read on 2025-11-14, known.
      ...["2024-04-15", "2024-07-15", "2024-10-15", "2025-01-15", "2025-04-15", "2025-07-15", "2025-10-15"].map((d) =>
        quarterly(d, 12_000),
      ),
      ...["2026-01-15", "2026-04-15", "2026-07-15", "2026-10-15"].map((d) => quarterly(d, null)),
      // Due on 2025-03-01, cancelled on the 10th: inside the 30 days, so the renewal churned. Its
      // cut-short end date is not a second renewal.
      { account_id: "A4", due: "2025-03-01", due_arr: 6_000, outcome_arr: 0, outcome: "churned" },
      { account_id: "A5", due: "2025-04-01", due_arr: 10_000, outcome_arr: 7_000, outcome: "contracted" },
      { account_id: "A5", due: "2026-04-01", due_arr: 7_000, outcome_arr: null, outcome: "pending" },
      // Due on 2025-06-01, ended on 2025-07-15: still paying on 2025-07-01, so it renewed (the churn
      // after the grace window is a churn movement, not a lost renewal).
      { account_id: "A6", due: "2025-06-01", due_arr: 9_000, outcome_arr: 9_000, outcome: "renewed" },
    ]);
  });

  it("gives ARR due and the renewal rates per quarter, the four quarters to come included", async () => {
    const rows = await run({
      metrics: ["renewal_arr_due", "gross_renewal_rate", "net_renewal_rate", "arr"],
      grain: "quarter",
      from: "2025-01-01",
    });
    expect(rows.map((r) => [r.period, r.renewal_arr_due, r.gross_renewal_rate, r.net_renewal_rate, r.arr])).toEqual([
      // A1 12,000 → 18,000 (capped at 12,000), A3 12,000 renewed, A4 6,000 → 0: 24,000 / 30,000 and 30,000 / 30,000.
      ["2025-03-31", 30_000, 0.8, 1, 18_000 + 24_000 + 12_000 + 10_000 + 9_000],
      // A3 12,000, A5 10,000 → 7,000, A6 9,000 → 9,000: 28,000 / 31,000 both ways.
      ["2025-06-30", 31_000, 28_000 / 31_000, 28_000 / 31_000, 18_000 + 24_000 + 12_000 + 7_000 + 9_000],
      ["2025-09-30", 12_000, 1, 1, 18_000 + 24_000 + 12_000 + 7_000],
      ["2025-12-31", 12_000, 1, 1, 18_000 + 24_000 + 12_000 + 7_000],
      // To come: A1 18,000 and A2 24,000 on 2026-01-01, A3 12,000; no outcome yet, and no ARR (not 0).
      ["2026-03-31", 54_000, null, null, null],
      ["2026-06-30", 12_000 + 7_000, null, null, null],
      ["2026-09-30", 12_000, null, null, null],
      ["2026-12-31", 12_000, null, null, null],
    ]);
  });

  it("groups a renewal by the account's segment and owner as they stood before it was due", async () => {
    const rows = await run({
      metrics: ["renewal_arr_due", "gross_renewal_rate"],
      by: ["segment"],
      grain: "quarter",
      from: "2025-03-31",
      to: "2025-03-31",
    });
    expect(rows.map((r) => [r.segment, r.renewal_arr_due, r.gross_renewal_rate])).toEqual([
      ["Enterprise", 12_000, 1],
      // A3 12,000 kept, A4 6,000 lost.
      ["Mid-Market", 18_000, 12_000 / 18_000],
      ["SMB", 0, null],
    ]);
    const owners = await run({ metrics: ["renewal_arr_due"], by: ["owner_csm"], grain: "year", from: "2025-12-31", to: "2025-12-31" });
    // Ana: A1 12,000, A3 4 × 12,000, A5 10,000; Ben: A4 6,000, A6 9,000.
    expect(owners.map((r) => [r.owner_csm, r.renewal_arr_due])).toEqual([
      ["Ana", 12_000 + 48_000 + 10_000],
      ["Ben", 6_000 + 9_000],
    ]);
  });
});

describe("churn reasons", () => {
  it("gives each churn and contraction the nearest lost or contracted renewal's reason, ties to the earlier", async () => {
    const rows = await fixture.db.all<MetricRow>(
      "SELECT account_id, movement, {{ float(amount) }} AS amount, churn_reason, churn_category, opportunity_id FROM marts.arr_losses ORDER BY account_id",
    );
    expect(rows).toEqual([
      // March 2025: O1 (February, "Budget") and O2 (April) are both a month away; O1 closed first.
      {
        account_id: "A4",
        movement: "churn",
        amount: -6_000,
        churn_reason: "budget",
        churn_category: "not preventable",
        opportunity_id: "O1",
      },
      // April 2025: the won renewal that contracted, O3, closed in March with a reason.
      {
        account_id: "A5",
        movement: "contraction",
        amount: -3_000,
        churn_reason: "low adoption",
        churn_category: "preventable",
        opportunity_id: "O3",
      },
      // July 2025: O4 renewed without a reason and O6 is an expansion, so neither counts.
      { account_id: "A6", movement: "churn", amount: -9_000, churn_reason: "unknown", churn_category: "unknown", opportunity_id: null },
    ]);
  });

  it("sums lost ARR by reason and by category, adding up to churn plus contraction", async () => {
    const year = { grain: "year", from: "2025-12-31", to: "2025-12-31" } as const;
    const byReason = await run({ metrics: ["churned_arr_by_reason"], by: ["churn_reason"], ...year });
    expect(Object.fromEntries(byReason.map((r) => [r.churn_reason, r.churned_arr_by_reason]))).toEqual({
      budget: -6_000,
      "low adoption": -3_000,
      unknown: -9_000,
    });
    const byCategory = await run({ metrics: ["churned_arr_by_reason"], by: ["churn_category"], ...year });
    expect(Object.fromEntries(byCategory.map((r) => [r.churn_category, r.churned_arr_by_reason]))).toEqual({
      "not preventable": -6_000,
      preventable: -3_000,
      unknown: -9_000,
    });
    const [total] = await run({ metrics: ["churned_arr_by_reason", "churned_arr", "contraction_arr"], ...year });
    expect(total).toMatchObject({ churned_arr_by_reason: -18_000, churned_arr: -15_000, contraction_arr: -3_000 });
  });
});

/*
 * The backtest (horizon 3 months) as known at 2025-12-31: snapshots up to September 2025.
 *   green  A1 306,000 (12 × 12,000 + 9 × 18,000), A2 504,000, A6 117,000 (13 × 9,000; April–June 2025
 *          each lose 9,000 to its July churn) → 27,000 / 927,000
 *   yellow A3 252,000 (21 × 12,000), A5 162,000 (12 × 10,000 + 6 × 7,000; January–March 2025 each lose
 *          3,000) → 9,000 / 414,000
 *   red    A4 72,000 (12 × 6,000; December–February lose 6,000 each) → 18,000 / 72,000 = 0.25
 */
describe("loss rates and the forecast", () => {
  const rate = (lost: number, arr: number) => Math.round((lost / arr) * 1e10) / 1e10;

  it("gives a cell of fewer than forecast.minAccounts accounts its band's rate", async () => {
    const rows = await fixture.db.all<MetricRow>(`
      SELECT health_band, segment, cell_accounts, basis, {{ float(p_loss) }} AS p_loss
      FROM marts.loss_rates WHERE month_index = {{ month_index(DATE '2025-12-31') }} AND health_band <> 'unscored'
      ORDER BY health_band, segment`);
    expect(rows).toEqual([
      // A1 and A2: two accounts, a cell of its own, never lost anything.
      { health_band: "green", segment: "Enterprise", cell_accounts: 2, basis: "cell", p_loss: 0 },
      // A6 alone borrows green's 27,000 / 927,000.
      { health_band: "green", segment: "Mid-Market", cell_accounts: 1, basis: "band", p_loss: rate(27_000, 927_000) },
      { health_band: "green", segment: "SMB", cell_accounts: 0, basis: "band", p_loss: rate(27_000, 927_000) },
      { health_band: "red", segment: "Enterprise", cell_accounts: 0, basis: "band", p_loss: 0.25 },
      { health_band: "red", segment: "Mid-Market", cell_accounts: 1, basis: "band", p_loss: 0.25 },
      { health_band: "red", segment: "SMB", cell_accounts: 0, basis: "band", p_loss: 0.25 },
      { health_band: "yellow", segment: "Enterprise", cell_accounts: 0, basis: "band", p_loss: rate(9_000, 414_000) },
      { health_band: "yellow", segment: "Mid-Market", cell_accounts: 1, basis: "band", p_loss: rate(9_000, 414_000) },
      { health_band: "yellow", segment: "SMB", cell_accounts: 1, basis: "band", p_loss: rate(9_000, 414_000) },
    ]);
    const [unscored] = await fixture.db.all<MetricRow>(`
      SELECT basis, {{ float(p_loss) }} AS p_loss FROM marts.loss_rates
      WHERE month_index = {{ month_index(DATE '2025-12-31') }} AND health_band = 'unscored' AND segment = 'SMB'`);
    // Never in the backtest: the whole book's 54,000 / 1,413,000.
    expect(unscored).toEqual({ basis: "book", p_loss: rate(54_000, 1_413_000) });
  });

  it("weights every paying account's ARR by its cell's loss rate, not only red ones", async () => {
    const [row] = await run({ metrics: ["risk_weighted_arr", "at_risk_arr"], grain: "quarter", from: "2025-12-31", to: "2025-12-31" });
    const yellow = rate(9_000, 414_000);
    // A1 and A2 green Enterprise × 0; A3 12,000 and A5 7,000 yellow, each rounded to the cent.
    const expected = Math.round(12_000 * yellow * 100) / 100 + Math.round(7_000 * yellow * 100) / 100;
    expect(row?.risk_weighted_arr).toBeCloseTo(expected, 6);
    expect(expected).toBeCloseTo(260.87 + 152.17, 6);
    expect(row?.at_risk_arr).toBe(0);
  });

  it("forecasts the next four quarters from the renewals due and their accounts' last band", async () => {
    const rows = await run({ metrics: ["forecast_arr_due", "forecast_lost_arr", "forecast_grr"], grain: "quarter", from: "2026-01-01" });
    // A3's 12,000 × 9,000 / 414,000 = 260.87 each quarter; A5's 7,000 → 152.17; A1 and A2 (green Enterprise) 0.
    expect(rows.map((r) => [r.period, r.forecast_arr_due, r.forecast_lost_arr])).toEqual([
      ["2026-03-31", 54_000, 260.87],
      ["2026-06-30", 19_000, 413.04],
      ["2026-09-30", 12_000, 260.87],
      ["2026-12-31", 12_000, 260.87],
    ]);
    expect(at(rows, "2026-06-30")?.forecast_grr).toBeCloseTo(1 - 413.04 / 19_000, 12);
    // Past quarters show the forecast they were judged by: made at the quarter end before. At
    // 2025-06-30 yellow's rate was 9,000 / 300,000 (A5's three losses known, A3's none): 360 on A3.
    const past = await run({ metrics: ["forecast_grr", "gross_renewal_rate"], grain: "quarter", from: "2025-03-31", to: "2025-09-30" });
    expect(past.map((r) => [r.period, r.forecast_grr, r.gross_renewal_rate])).toEqual([
      ["2025-03-31", 1, 0.8],
      ["2025-06-30", 1, 28_000 / 31_000],
      ["2025-09-30", 1 - 360 / 12_000, 1],
    ]);
  });

  /*
   * Past forecasts, each against the quarter's real GRR (Q1 2025 0.8, Q2 28/31, the rest 1). Before
   * March 2025 no loss was known and every forecast is 100%; at March 2025 only red had one, and A4 had
   * nothing left to renew; at June 2025, A3's July renewal was forecast at 1 − 360 / 12,000.
   *   made 2024-06-30: Q3 2024 0 · Q4 2024 0 · Q1 2025 20 · Q2 2025 300/31
   *   made 2024-09-30: Q4 2024 0 · Q1 2025 20 · Q2 2025 300/31 · Q3 2025 0
   *   made 2024-12-31: Q1 2025 20 · Q2 2025 300/31 · Q3 2025 0
   *   made 2025-03-31: Q2 2025 300/31 · Q3 2025 0
   *   made 2025-06-30: Q3 2025 3
   * Q4 2025 is left out: its grace period runs past the as-of.
   */
  it("backtests the forecast: mean absolute error in points over the quarters known by each period", async () => {
    const rows = await run({ metrics: ["forecast_grr_error"], grain: "quarter", from: "2025-03-31", to: "2025-12-31" });
    expect(at(rows, "2025-03-31")?.forecast_grr_error).toBeCloseTo((0 + 0 + 0 + 20 + 20 + 20) / 6, 9);
    expect(at(rows, "2025-06-30")?.forecast_grr_error).toBeCloseTo((60 + (4 * 300) / 31) / 10, 9);
    expect(at(rows, "2025-09-30")?.forecast_grr_error).toBeCloseTo((60 + 1200 / 31 + 3) / 14, 9);
    expect(at(rows, "2025-12-31")?.forecast_grr_error).toBeCloseTo((60 + 1200 / 31 + 3) / 14, 9);
    const byHorizon = await run({ metrics: ["forecast_grr_error"], by: ["forecast_horizon"], grain: "quarter", from: "2025-12-31" });
    expect(byHorizon.map((r) => [r.forecast_horizon, r.forecast_grr_error])).toEqual([
      // one quarter ahead: Q3 2024 (0), Q4 2024 (0), Q1 2025 (20), Q2 2025 (300/31), Q3 2025 (3); and so on
      // down the table above
      [1, expect.closeTo((20 + 300 / 31 + 3) / 5, 9)],
      [2, expect.closeTo((0 + 20 + 300 / 31 + 0) / 4, 9)],
      [3, expect.closeTo((20 + 300 / 31 + 0) / 3, 9)],
      // made 2024-06-30 for Q2 2025 (300/31), made 2024-09-30 for Q3 2025 (0)
      [4, expect.closeTo(300 / 31 / 2, 9)],
    ]);
  });
});

describe("no peeking", () => {
  it("changes no forecast made before a later event, and the one made after it", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sources = join(dir, "sources");
      cpSync(join(FIXTURES, "renewals"), sources, { recursive: true });
      // After 2025-09-30: A2's champion and buyer leave (red from October) and A3 buys more.
      const contacts = join(sources, "crm_contacts.csv");
      writeFileSync(
        contacts,
        readFileSync(contacts, "utf8")
          .replace("C3,A2,champion,2023-12-01,", "C3,A2,champion,2023-12-01,2025-10-10")
          .replace("C4,A2,buyer,2023-12-01,", "C4,A2,buyer,2023-12-01,2025-10-20"),
      );
      writeFileSync(
        join(sources, "crm_subscriptions.csv"),
        `${readFileSync(join(sources, "crm_subscriptions.csv"), "utf8")}S9,A3,2025-11-01,,1500,3,1\n`,
      );
      const later = await buildFixture(sources, RENEWALS_CONFIG);
      try {
        const forecasts = (db: typeof later.db, made: string) =>
          db.all(
            `SELECT made_on, account_id, due_date, arr_due, health_band, p_loss, expected_lost_arr, is_latest
                  FROM renewal_forecasts_view WHERE made_on ${made} ORDER BY made_on, account_id, due_date`.replace(
              "renewal_forecasts_view",
              "marts.renewal_forecasts",
            ),
          );
        const before = await forecasts(fixture.db, "<= DATE '2025-09-30'");
        expect(before.length).toBeGreaterThan(0);
        expect(await forecasts(later.db, "<= DATE '2025-09-30'")).toEqual(before);
        // The forecast made at 2025-12-31 sees A2 red: 24,000 × 0.25 expected lost.
        const [a2] = await later.db.all<MetricRow>(
          "SELECT health_band, {{ float(expected_lost_arr) }} AS lost FROM marts.renewal_forecasts WHERE made_on = DATE '2025-12-31' AND account_id = 'A2'",
        );
        expect(a2).toEqual({ health_band: "red", lost: 6_000 });
      } finally {
        await later.cleanup();
      }
    } finally {
      cleanup();
    }
  });
});
