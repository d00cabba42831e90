import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../metrics/query.ts";
import { buildFixture, tempDir } from "./helpers.ts";

// Issue 12, item 11: money is DECIMAL, rounded to the cent once per account and month, so no float
// noise becomes a movement and every bridge adds up to the cent as printed.
describe("exact money", () => {
  const sources = tempDir();
  let fixture: Awaited<ReturnType<typeof buildFixture>>;
  beforeAll(async () => {
    writeFileSync(join(sources.dir, "crm_accounts.csv"), "account_id,name\nA1,One\nA2,Two\n");
    writeFileSync(
      join(sources.dir, "crm_subscriptions.csv"),
      [
        "subscription_id,account_id,start_date,end_date,amount,interval_months",
        // A1: 0.1 + 0.2 a month until March, then one line of 0.3: in floating point 3.6000000000000005 → 3.5999999999999996.
        "S1,A1,2024-01-01,2024-03-01,0.1,1",
        "S2,A1,2024-01-01,2024-03-01,0.2,1",
        "S3,A1,2024-03-01,,0.3,1",
        // A2: 399.9996 a year, then + 100 per 36 months (33.3333333336 a year), then + 12.005 a year (half a cent).
        "S4,A2,2024-01-01,,33.3333,1",
        "S5,A2,2024-02-01,,100,36",
        "S6,A2,2024-03-01,,12.005,12",
      ].join("\n"),
    );
    fixture = await buildFixture(sources.dir);
  });
  afterAll(() => {
    fixture?.cleanup();
    sources.cleanup();
  });

  it("rounds each account's ARR once, to the cent, half away from zero", async () => {
    expect(
      await fixture.db.all("SELECT account_id, month::VARCHAR AS month, arr::VARCHAR AS arr FROM marts.account_months ORDER BY 1, 2"),
    ).toEqual([
      { account_id: "A1", month: "2024-01-01", arr: "3.60" },
      { account_id: "A1", month: "2024-02-01", arr: "3.60" },
      { account_id: "A1", month: "2024-03-01", arr: "3.60" },
      // 399.9996 → 400.00; + 33.3333333336 = 433.3329333336 → 433.33; + 12.005 = 445.3379333336 → 445.34.
      { account_id: "A2", month: "2024-01-01", arr: "400.00" },
      { account_id: "A2", month: "2024-02-01", arr: "433.33" },
      { account_id: "A2", month: "2024-03-01", arr: "445.34" },
    ]);
  });

  it("derives MRR from the one rounded ARR (DESIGN: 12 × mrr = arr), shown to the cent", async () => {
    const rows = (await query(fixture.db, fixture.config, { metrics: ["arr", "mrr"] })).rows;
    // 403.60 / 12 = 33.6333… → 33.63; 436.93 / 12 = 36.4108… → 36.41; 448.94 / 12 = 37.4116… → 37.41.
    expect(rows).toEqual([
      { period: "2024-01-31", arr: 403.6, mrr: 33.63 },
      { period: "2024-02-29", arr: 436.93, mrr: 36.41 },
      { period: "2024-03-31", arr: 448.94, mrr: 37.41 },
    ]);
  });

  it("makes no movement where the ARR did not change, however the lines add up", async () => {
    expect(
      await fixture.db.all(
        "SELECT account_id, month::VARCHAR AS month, movement, amount::VARCHAR AS amount FROM marts.arr_movements ORDER BY 1, 2",
      ),
    ).toEqual([
      { account_id: "A1", month: "2024-01-01", movement: "new", amount: "3.60" },
      { account_id: "A2", month: "2024-01-01", movement: "new", amount: "400.00" },
      { account_id: "A2", month: "2024-02-01", movement: "expansion", amount: "33.33" },
      { account_id: "A2", month: "2024-03-01", movement: "expansion", amount: "12.01" },
    ]);
  });

  it("prints a bridge that adds up to the cent: 403.60, + 33.33 = 436.93, + 12.01 = 448.94", async () => {
    expect(
      await fixture.db.all(
        "SELECT month::VARCHAR AS month, opening_arr::VARCHAR AS opening, new_arr::VARCHAR AS new, expansion_arr::VARCHAR AS expansion, closing_arr::VARCHAR AS closing FROM marts.arr_bridge ORDER BY 1",
      ),
    ).toEqual([
      { month: "2024-01-01", opening: "0.00", new: "403.60", expansion: "0.00", closing: "403.60" },
      { month: "2024-02-01", opening: "403.60", new: "0.00", expansion: "33.33", closing: "436.93" },
      { month: "2024-03-01", opening: "436.93", new: "0.00", expansion: "12.01", closing: "448.94" },
    ]);
  });
});
