import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixture, FIXTURES } from "./helpers.ts";

/*
 * test/fixtures/movements, worked by hand (ARR = 12 × amount × quantity × (1 − discount) / interval,
 * at the start month's FX rate; a line counts on a month's last day d when start <= d < end):
 *
 * M1 (10 employees, SMB): L1 100/month from Jan 10, ending Mar 15 as L2 starts Mar 15 → ARR 1,200 every month.
 *     One movement: new +1,200 in January. The same-day swap is neither churn nor expansion.
 * M2 (20, SMB): L3 200/month Jan 5 → Apr 30; Apr 30 is excluded → ARR 2,400 Jan–Mar, churn −2,400 in April.
 * M3 (50, SMB): L4 2 × 50/month Jan 1 → Mar 1 → ARR 1,200 Jan–Feb, churn −1,200 in March; nothing in
 *     March, April, May; L5 3 × 50/month from Jun 1 → reactivation +1,800 in June.
 * M4 (200, Mid-Market): L6 10 × 12,000/year × 0.9 from Feb 1 → ARR 108,000 (touch tier high);
 *     downgraded to L7 4 seats on Aug 1 → ARR 43,200 (touch tier low): contraction −64,800 in August.
 * M5 (2,000, Enterprise): L8 360,000 per 36 months from May 20 → ARR 120,000, new in May;
 *     L9 36,000 per 36 months from Oct 15 → expansion +12,000 in October.
 * M6 (30, SMB): L10 100 EUR/month from Mar 10 at March's 1.10 → ARR 1,320 in every month after,
 *     though April's rate is 1.50: constant currency, so no expansion in April.
 */
const MOVEMENTS = [
  ["M1", "2024-01-01", "new", 1_200],
  ["M2", "2024-01-01", "new", 2_400],
  ["M2", "2024-04-01", "churn", -2_400],
  ["M3", "2024-01-01", "new", 1_200],
  ["M3", "2024-03-01", "churn", -1_200],
  ["M3", "2024-06-01", "reactivation", 1_800],
  ["M4", "2024-02-01", "new", 108_000],
  ["M4", "2024-08-01", "contraction", -64_800],
  ["M5", "2024-05-01", "new", 120_000],
  ["M5", "2024-10-01", "expansion", 12_000],
  ["M6", "2024-03-01", "new", 1_320],
];
// Closing ARR by month, summing the accounts above.
const CLOSING = [4_800, 112_800, 112_920, 110_520, 230_520, 232_320, 232_320, 167_520, 167_520, 179_520, 179_520, 179_520];

let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "movements"), { asOf: "2024-12-31" });
});
afterAll(() => fixture?.cleanup());

describe("arr_movements", () => {
  it("has exactly one row per movement, of the right type and signed amount", async () => {
    const rows = await fixture.db.all<{ account_id: string; month: string; movement: string; amount: number }>(
      "SELECT account_id, month, movement, round(amount, 6) AS amount FROM marts.arr_movements ORDER BY account_id, month",
    );
    expect(rows.map((r) => [r.account_id, r.month, r.movement, r.amount])).toEqual(MOVEMENTS);
  });
});

describe("arr_bridge", () => {
  it("adds up every month: opening + new + reactivation + expansion + contraction + churn = closing", async () => {
    const rows = await fixture.db.all<Record<string, number>>(
      "SELECT opening_arr, new_arr, reactivation_arr, expansion_arr, contraction_arr, churned_arr, closing_arr FROM marts.arr_bridge ORDER BY month",
    );
    expect(rows.map((r) => Math.round((r.closing_arr ?? 0) * 100) / 100)).toEqual(CLOSING);
    expect(rows[2]).toEqual({
      opening_arr: 112_800,
      new_arr: 1_320,
      reactivation_arr: 0,
      expansion_arr: 0,
      contraction_arr: 0,
      churned_arr: -1_200,
      closing_arr: 112_920,
    });
    expect(rows[7]).toMatchObject({ opening_arr: 232_320, contraction_arr: -64_800, closing_arr: 167_520 });
  });

  it("adds up within each segment", async () => {
    const dec = await fixture.db.all(
      "SELECT segment, round(closing_arr, 2) AS arr FROM marts.segment_arr_bridge WHERE month = '2024-12-01' ORDER BY 1",
    );
    expect(dec).toEqual([
      { segment: "Enterprise", arr: 132_000 },
      { segment: "Mid-Market", arr: 43_200 },
      { segment: "SMB", arr: 1_200 + 1_800 + 1_320 },
    ]);
  });
});

describe("accounts and cohorts", () => {
  it("gives each account its cohort, first and last paid month, and current touch tier", async () => {
    const rows = await fixture.db.all(
      "SELECT account_id, segment, employee_band, cohort_month, cohort_quarter, first_paid_month, last_paid_month, touch_tier, is_active FROM marts.accounts ORDER BY 1",
    );
    expect(rows).toEqual([
      {
        account_id: "M1",
        segment: "SMB",
        employee_band: "1–49",
        cohort_month: "2024-01-01",
        cohort_quarter: "FY2024 Q1",
        first_paid_month: "2024-01-01",
        last_paid_month: "2024-12-01",
        touch_tier: "tech",
        is_active: true,
      },
      {
        account_id: "M2",
        segment: "SMB",
        employee_band: "1–49",
        cohort_month: "2024-01-01",
        cohort_quarter: "FY2024 Q1",
        first_paid_month: "2024-01-01",
        last_paid_month: "2024-03-01",
        touch_tier: "tech",
        is_active: false,
      },
      {
        account_id: "M3",
        segment: "SMB",
        employee_band: "50–99",
        cohort_month: "2024-01-01",
        cohort_quarter: "FY2024 Q1",
        first_paid_month: "2024-01-01",
        last_paid_month: "2024-12-01",
        touch_tier: "tech",
        is_active: true,
      },
      {
        account_id: "M4",
        segment: "Mid-Market",
        employee_band: "100–249",
        cohort_month: "2024-02-01",
        cohort_quarter: "FY2024 Q1",
        first_paid_month: "2024-02-01",
        last_paid_month: "2024-12-01",
        touch_tier: "low",
        is_active: true,
      },
      {
        account_id: "M5",
        segment: "Enterprise",
        employee_band: "1,000–4,999",
        cohort_month: "2024-05-01",
        cohort_quarter: "FY2024 Q2",
        first_paid_month: "2024-05-01",
        last_paid_month: "2024-12-01",
        touch_tier: "high",
        is_active: true,
      },
      {
        account_id: "M6",
        segment: "SMB",
        employee_band: "1–49",
        cohort_month: "2024-03-01",
        cohort_quarter: "FY2024 Q1",
        first_paid_month: "2024-03-01",
        last_paid_month: "2024-12-01",
        touch_tier: "tech",
        is_active: true,
      },
    ]);
  });

  it("tracks the touch tier as of each month for an account that crosses a band", async () => {
    const rows = await fixture.db.all(
      "SELECT month, touch_tier FROM marts.account_months WHERE account_id = 'M4' AND month IN ('2024-07-01', '2024-08-01') ORDER BY 1",
    );
    expect(rows).toEqual([
      { month: "2024-07-01", touch_tier: "high" },
      { month: "2024-08-01", touch_tier: "low" },
    ]);
  });

  it("computes revenue and logo retention by cohort and age", async () => {
    // January cohort: M1 1,200 + M2 2,400 + M3 1,200 = 4,800 at age 0. At age 5 (June): M1 1,200, M2 0, M3 1,800.
    const [june] = await fixture.db.all(
      "SELECT cohort_accounts, starting_arr, arr, revenue_retention, logo_retention FROM marts.cohort_retention WHERE cohort_month = '2024-01-01' AND age_months = 5",
    );
    expect(june).toEqual({ cohort_accounts: 3, starting_arr: 4_800, arr: 3_000, revenue_retention: 3_000 / 4_800, logo_retention: 2 / 3 });
    const [march] = await fixture.db.all(
      "SELECT revenue_retention, logo_retention FROM marts.cohort_retention WHERE cohort_month = '2024-01-01' AND age_months = 2",
    );
    // March: M1 1,200, M2 2,400, M3 0.
    expect(march).toEqual({ revenue_retention: 3_600 / 4_800, logo_retention: 2 / 3 });
  });
});

describe("bands and fiscal year from the config", () => {
  it("re-segments, re-bands and re-labels when the config changes", async () => {
    const other = await buildFixture(join(FIXTURES, "movements"), {
      asOf: "2024-12-31",
      fiscalYearStartMonth: 2,
      segments: [{ name: "Small", below: 25 }, { name: "Medium", below: 500 }, { name: "Large" }],
      touchTiers: [{ name: "digital", below: 50_000 }, { name: "named" }],
    });
    try {
      const accounts = await other.db.all("SELECT account_id, segment, touch_tier, cohort_quarter FROM marts.accounts ORDER BY 1");
      expect(accounts).toEqual([
        { account_id: "M1", segment: "Small", touch_tier: "digital", cohort_quarter: "FY2024 Q4" }, // Jan 2024 ends FY2024 (Feb–Jan)
        { account_id: "M2", segment: "Small", touch_tier: "digital", cohort_quarter: "FY2024 Q4" },
        { account_id: "M3", segment: "Medium", touch_tier: "digital", cohort_quarter: "FY2024 Q4" },
        { account_id: "M4", segment: "Medium", touch_tier: "digital", cohort_quarter: "FY2025 Q1" },
        { account_id: "M5", segment: "Large", touch_tier: "named", cohort_quarter: "FY2025 Q2" },
        { account_id: "M6", segment: "Medium", touch_tier: "digital", cohort_quarter: "FY2025 Q1" },
      ]);
      const quarterEnds = await other.db.all("SELECT month FROM marts.months WHERE is_quarter_end ORDER BY 1");
      expect(quarterEnds).toEqual([{ month: "2024-01-01" }, { month: "2024-04-01" }, { month: "2024-07-01" }, { month: "2024-10-01" }]);
      const medium = await other.db.all(
        "SELECT round(closing_arr, 2) AS arr FROM marts.segment_arr_bridge WHERE segment = 'Medium' AND month = '2024-12-01'",
      );
      expect(medium).toEqual([{ arr: 1_800 + 43_200 + 1_320 }]);
    } finally {
      other.cleanup();
    }
  });
});
