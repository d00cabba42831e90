import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../metrics/query.ts";
import { buildFixture, FIXTURES } from "./helpers.ts";

/*
 * test/fixtures/retention with two touch tiers, small < 15,000 ≤ large, so that A1 moves: 12,000 (small)
 * until it expands to 18,000 (large) in June 2024. FY2024 Q2 (April–June), by tier:
 *   small: opening 36,000 (A1 12,000, A2 4,800, A4 13,200, A5 6,000) − churn 13,200 (A4, June)
 *          − moved out 12,000 (A1's May ARR) = 10,800 = closing (A2 4,800 + A5 6,000)
 *   large: opening 0 + new 24,000 (A6, May) + moved in 12,000 (A1) + expansion 6,000 (A1's June step,
 *          in the tier it reached) = 42,000 = closing (A1 18,000 + A6 24,000)
 * Without a grouping nothing moves: both lines are 0.
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), {
    asOf: "2024-12-31",
    touchTiers: [{ name: "small", below: 15_000 }, { name: "large" }],
  });
}, 120_000);
afterAll(async () => fixture?.cleanup());

const BRIDGE = [
  "opening_arr",
  "new_arr",
  "reactivation_arr",
  "expansion_arr",
  "contraction_arr",
  "churned_arr",
  "moved_in_arr",
  "moved_out_arr",
  "arr",
];

describe("a bridge grouped by a dimension", () => {
  it("has moved-in and moved-out lines for an account that changed group, so each group foots", async () => {
    const { rows } = await query(fixture.db, fixture.config, {
      metrics: BRIDGE,
      by: ["touch_tier"],
      grain: "quarter",
      from: "2024-06-30",
      to: "2024-06-30",
    });
    expect(rows.map((r) => [r.touch_tier, ...BRIDGE.map((m) => r[m])])).toEqual([
      ["large", 0, 24_000, 0, 6_000, 0, 0, 12_000, 0, 42_000],
      ["small", 36_000, 0, 0, 0, 0, -13_200, 0, -12_000, 10_800],
    ]);
  });

  it("moves nothing in a total, and names the account that moved", async () => {
    const [total] = (
      await query(fixture.db, fixture.config, {
        metrics: ["moved_in_arr", "moved_out_arr"],
        grain: "quarter",
        from: "2024-06-30",
        to: "2024-06-30",
      })
    ).rows;
    expect([total?.moved_in_arr, total?.moved_out_arr]).toEqual([0, 0]);
    const { rows } = await query(fixture.db, fixture.config, {
      metrics: ["moved_in_arr", "moved_out_arr"],
      by: ["touch_tier"],
      grain: "quarter",
      accounts: true,
    });
    expect(rows.map((r) => [r.period, r.account, r.touch_tier, r.moved_in_arr, r.moved_out_arr])).toEqual([
      ["2024-06-30", "A1", "large", 12_000, 0],
      ["2024-06-30", "A1", "small", 0, -12_000],
    ]);
  });

  it("refuses a dimension the months of an account do not both carry", async () => {
    await expect(query(fixture.db, fixture.config, { metrics: ["moved_in_arr"], by: ["health_band"] })).rejects.toThrow(
      "metric moved_in_arr can be grouped by account-month dimensions, not health_band",
    );
  });
});
