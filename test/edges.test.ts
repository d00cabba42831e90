import { copyFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { asOfDifferences } from "./support/as-of-invariant.ts";
import { cutExports } from "./support/cut-exports.ts";
import { buildFixture, cli, FIXTURES, tempDir } from "./helpers.ts";

/*
 * test/fixtures/edges (README there): five accounts as of 2025-03-15, a mid-month refresh.
 * March 2025 is month_index 24302 (2025 × 12 + 2); its snapshot is taken on the 15th.
 */
const EDGES = join(FIXTURES, "edges");
const AS_OF = "2025-03-15";
const MARCH = 2025 * 12 + 2;

type Built = Awaited<ReturnType<typeof buildFixture>>;

/** The fixture's files but those named, in a temporary folder: an export the team does not have. */
function without(names: string[]): { dir: string; cleanup(): void } {
  const folder = tempDir("bellwether-edges-");
  for (const file of readdirSync(EDGES).filter((f) => f.endsWith(".csv") && !names.includes(f))) {
    copyFileSync(join(EDGES, file), join(folder.dir, file));
  }
  return folder;
}

describe("a mid-month as-of: every window ends on the as-of day and nothing after it is read", () => {
  let built: Built;
  beforeAll(async () => {
    built = await buildFixture(EDGES, { asOf: AS_OF });
  });
  afterAll(async () => built.cleanup());
  const run = (request: MetricQuery) => query(built.db, built.config, request).then((r) => r.rows);

  it("counts E1's 30 days as (Feb 13, Mar 15]: u1, u2 and u4, not u3 and u5 after the as-of", async () => {
    const usage = await built.db.all(
      `SELECT active_users_30d, key_features_30d, monthly_active_users, events_30d, events_prior_30d,
        round(average_daily_active_users, 6) AS adau
       FROM marts.account_usage_months WHERE account_id = 'E1' AND month_index = ${MARCH}`,
    );
    // 3 users of 4 seats; 3 events (02-20, 03-10, 03-14) against 2 in (Jan 14, Feb 13] (01-20, 02-01);
    // March so far: u1 and u2 on two days of fifteen.
    expect(usage).toEqual([
      { active_users_30d: 3, key_features_30d: 2, monthly_active_users: 2, events_30d: 3, events_prior_30d: 2, adau: 0.133333 },
    ]);
  });

  it("scores March's health inputs as of the 15th: tickets, answers and contacts after it are not known yet", async () => {
    const rows = await built.db.all(
      `SELECT account_id, active_users_per_seat, usage_trend, sentiment, open_urgent_tickets, tickets_per_seat_90d,
        first_response_hours_90d, relationship, adoption_breadth
       FROM marts.health_inputs WHERE month_index = ${MARCH} ORDER BY account_id`,
    );
    expect(rows).toEqual([
      // 3/4 seats; trend 3/2 − 1; NPS 9 of 03-01 (the 2 of 03-25 is after); T1 opened 03-12 and solved 03-18:
      // open on the 15th, its first response (03-16) not yet given; T2 (03-20) not opened yet; 1 ticket / 4 seats.
      {
        account_id: "E1",
        active_users_per_seat: 0.75,
        usage_trend: 0.5,
        sentiment: 9,
        open_urgent_tickets: 1,
        tickets_per_seat_90d: 0.25,
        first_response_hours_90d: null,
        relationship: 1,
        adoption_breadth: 2,
      },
      // First event 02-12, inside the prior 30 days: no full prior window, so no trend (the old +100%).
      {
        account_id: "E2",
        active_users_per_seat: 2,
        usage_trend: null,
        sentiment: null,
        open_urgent_tickets: 0,
        tickets_per_seat_90d: 0,
        first_response_hours_90d: null,
        relationship: null,
        adoption_breadth: 1,
      },
      // Landed in product analytics with no events: zero usage, which scores (not "no data"); its buyer
      // leaves on 03-20, after the as-of.
      {
        account_id: "E3",
        active_users_per_seat: 0,
        usage_trend: null,
        sentiment: null,
        open_urgent_tickets: 0,
        tickets_per_seat_90d: 0,
        first_response_hours_90d: null,
        relationship: 1,
        adoption_breadth: 0,
      },
    ]);
  });

  it("gives E2's time to value, started inside January with no January snapshot, February's segment", async () => {
    const rows = await run({ metrics: ["ttv_started_accounts", "ttv_median_days"], by: ["segment"], grain: "quarter", from: "2025-01-01" });
    // E2 started 2025-01-05 (S2a), reached value 2025-01-25: 20 days, Mid-Market; E3 (SMB) not yet.
    expect(rows).toEqual([
      { period: "2025-03-31", segment: "Mid-Market", ttv_started_accounts: 1, ttv_median_days: 20 },
      { period: "2025-03-31", segment: "SMB", ttv_started_accounts: 1, ttv_median_days: null },
    ]);
    const ages = await built.db.all("SELECT account_id, age_days FROM marts.account_ttv WHERE account_id IN ('E2', 'E3') ORDER BY 1");
    // To the as-of day, not the month's end: 2025-01-05 → 03-15 is 69 days; 01-01 → 03-15 is 73.
    expect(ages).toEqual([
      { account_id: "E2", age_days: 69 },
      { account_id: "E3", age_days: 73 },
    ]);
  });

  it("shows renewal rates over the known outcomes of a year the as-of cuts, and the horizon's year too", async () => {
    const rows = await run({
      metrics: ["renewal_arr_due", "renewal_arr_due_known", "gross_renewal_rate", "net_renewal_rate", "renewal_known_share"],
      grain: "year",
      from: "2025-01-01",
    });
    // FY2025: due E1 1,200 (02-10, renewed: known on 03-12), E4 6,000 (03-01, known only on 03-31), E5
    // 3 × 1,200 (06-20, 09-20, 12-20): 10,800, of which 1,200 known (1/9), renewed in full.
    // FY2026, cut by the horizon at 2026-03-31: E1 1,200 (02-10), E2 2,400 (02-01), E5 1,200 (03-20).
    expect(rows).toEqual([
      {
        period: "2025-12-31",
        renewal_arr_due: 10_800,
        renewal_arr_due_known: 1_200,
        gross_renewal_rate: 1,
        net_renewal_rate: 1,
        renewal_known_share: 1 / 9,
      },
      {
        period: "2026-03-31",
        renewal_arr_due: 4_800,
        renewal_arr_due_known: null,
        gross_renewal_rate: null,
        net_renewal_rate: null,
        renewal_known_share: null,
      },
    ]);
  });

  it("keeps renewals of an account never paid by the as-of in a (none) group, so groups add up to the total", async () => {
    const grouped = await run({ metrics: ["renewal_arr_due"], by: ["segment"], grain: "quarter", from: "2025-06-01", to: "2025-06-30" });
    const total = await run({ metrics: ["renewal_arr_due"], grain: "quarter", from: "2025-06-01", to: "2025-06-30" });
    expect(grouped).toEqual([
      { period: "2025-06-30", segment: "Mid-Market", renewal_arr_due: 0 },
      { period: "2025-06-30", segment: "SMB", renewal_arr_due: 0 },
      { period: "2025-06-30", segment: null, renewal_arr_due: 1_200 },
    ]);
    expect(total).toEqual([{ period: "2025-06-30", renewal_arr_due: 1_200 }]);
  });

  it("derives MRR from ARR (12 × mrr = arr) and leaves risk-weighted ARR unknown while no loss rate is", async () => {
    const rows = await run({ metrics: ["arr", "mrr", "risk_weighted_arr"], from: "2025-01-01" });
    // January: E1 1,200 + E3 6,000 + E4 6,000; February: + E2 2,400; March (to the 15th): E4 ended 03-01.
    expect(rows).toEqual([
      { period: "2025-01-31", arr: 13_200, mrr: 1_100, risk_weighted_arr: null },
      { period: "2025-02-28", arr: 15_600, mrr: 1_300, risk_weighted_arr: null },
      { period: "2025-03-31", arr: 9_600, mrr: 800, risk_weighted_arr: null },
    ]);
  });

  it("equals a build over the exports as they stood on the as-of day, mart by mart", async () => {
    const cutDir = tempDir("bellwether-cut-");
    try {
      await cutExports(EDGES, cutDir.dir, AS_OF);
      const cut = await buildFixture(cutDir.dir, { asOf: AS_OF });
      try {
        expect(await asOfDifferences(built.db, cut.db)).toEqual([]);
      } finally {
        await cut.cleanup();
      }
    } finally {
      cutDir.cleanup();
    }
  });
});

describe("zero versus no data: an export never landed is null, never 0", () => {
  const latest = (rows: MetricRow[]) => rows[rows.length - 1];

  it("without a usage export, utilisation, DAU/MAU and breadth are null in the query API, and health inputs too", async () => {
    const folder = without(["usage_events.csv"]);
    const built = await buildFixture(folder.dir, { asOf: AS_OF });
    try {
      const rows = (
        await query(built.db, built.config, { metrics: ["license_utilization", "dau_mau", "adoption_breadth", "active_users_30d"] })
      ).rows;
      expect(rows.every((r) => r.license_utilization === null && r.dau_mau === null && r.adoption_breadth === null)).toBe(true);
      expect(latest(rows)).toEqual({
        period: "2025-03-31",
        license_utilization: null,
        dau_mau: null,
        adoption_breadth: null,
        active_users_30d: null,
      });
      const inputs = await built.db.all(
        `SELECT count(active_users_per_seat) AS utilisation, count(adoption_breadth) AS breadth FROM marts.health_inputs`,
      );
      expect(inputs).toEqual([{ utilisation: 0, breadth: 0 }]);
    } finally {
      await built.cleanup();
      folder.cleanup();
    }
  });

  it("without a milestone export, the share that reached value and its Kaplan–Meier median are null", async () => {
    const folder = without(["crm_milestones.csv"]);
    const built = await buildFixture(folder.dir, { asOf: AS_OF });
    try {
      const rows = (await query(built.db, built.config, { metrics: ["ttv_reached_30d", "ttv_km_median_days"], grain: "year" })).rows;
      expect(rows).toEqual([
        { period: "2024-12-31", ttv_reached_30d: null, ttv_km_median_days: null },
        { period: "2025-03-31", ttv_reached_30d: null, ttv_km_median_days: null },
      ]);
    } finally {
      await built.cleanup();
      folder.cleanup();
    }
  });

  it("with the milestones, the share is over accounts old enough: E1 (20 days) and E4 (40) started in FY2024", async () => {
    const built = await buildFixture(EDGES, { asOf: AS_OF });
    try {
      const rows = (await query(built.db, built.config, { metrics: ["ttv_reached_30d"], grain: "year" })).rows;
      // FY2024: E1 within 30 days, E4 not: 1/2. FY2025 to date: E2 (20 days, 69 old) yes, E3 (73 old) not yet: 1/2.
      expect(rows).toEqual([
        { period: "2024-12-31", ttv_reached_30d: 0.5 },
        { period: "2025-03-31", ttv_reached_30d: 0.5 },
      ]);
    } finally {
      await built.cleanup();
    }
  });
});

describe("query --as-of", () => {
  const home = tempDir("bellwether-edges-cli-");
  beforeAll(() => {
    const built = cli(["build", "--sources", EDGES, "--as-of", AS_OF, "--quiet"], home.dir);
    if (built.status !== 0) throw new Error(built.stderr);
  });
  afterAll(() => home.cleanup());

  it("on the warehouse's own as-of day shows the month to date, and no period after it even with a later --to", () => {
    const out = cli(["query", "arr", "--as-of", AS_OF, "--to", "2025-10-31", "--from", "2025-02-01", "--format", "json"], home.dir);
    expect(out.stderr).toBe("");
    expect(JSON.parse(out.stdout)).toEqual([
      { period: "2025-02-28", arr: 15_600 },
      { period: "2025-03-31", arr: 9_600 },
    ]);
  });

  it("refuses an earlier day, since every window would end elsewhere, and gives the complete commands that answer it", () => {
    const out = cli(["query", "arr,nrr", "--as-of", "2025-02-15"], home.dir);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain("--as-of 2025-02-15 is before this warehouse's as-of date, 2025-03-15");
    expect(out.stderr).toContain(
      "bellwether build --sources DIR --as-of 2025-02-15 --warehouse ./as-of-2025-02-15.duckdb --site ./site-as-of-2025-02-15",
    );
    expect(out.stderr).toContain("bellwether query arr,nrr --warehouse ./as-of-2025-02-15.duckdb");
  });
});
