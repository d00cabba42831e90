import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSite } from "../dashboards/render.ts";
import { healthPage } from "../dashboards/pages/health.ts";
import { query } from "../metrics/query.ts";
import { ALERTS_HEALTH } from "./fixtures/alerts/config.ts";
import { buildFixture, FIXTURES } from "./helpers.ts";

/*
 * test/fixtures/alerts (README there) as of 2025-05-31, health by relationship alone. The quarter to date
 * (April–May) against the quarter end before (2025-03-31):
 *   B1 (ARR 12,000): champion C1 left 2025-03-10, buyer C2 still there at March's end → 1 → 50, yellow;
 *                    C2 left 2025-04-15 → 0 → red in May.                                yellow → red
 *   B2 (ARR 12,000): a user only, red at both ends.                                      red → red
 *   B3 churned in March: not scored in May, so not in the matrix.
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "alerts"), { asOf: "2025-05-31", health: ALERTS_HEALTH });
}, 120_000);
afterAll(async () => fixture?.cleanup());

describe("band movement", () => {
  it("counts the accounts, and their ARR, that went from each band to each over the quarter", async () => {
    const { rows } = await query(fixture.db, fixture.config, {
      metrics: ["band_move_accounts", "band_move_arr"],
      by: ["band_from", "band_to"],
      grain: "quarter",
      from: "2025-05-31",
    });
    expect(
      rows.filter((r) => Number(r.band_move_accounts) > 0).map((r) => [r.band_from, r.band_to, r.band_move_accounts, r.band_move_arr]),
    ).toEqual([
      ["red", "red", 1, 12_000],
      ["yellow", "red", 1, 12_000],
    ]);
    const accounts = await query(fixture.db, fixture.config, {
      metrics: ["band_move_accounts"],
      by: ["band_from", "band_to"],
      grain: "quarter",
      from: "2025-05-31",
      accounts: true,
    });
    expect(accounts.rows.map((r) => [r.account, r.band_from, r.band_to])).toEqual([
      ["B1", "yellow", "red"],
      ["B2", "red", "red"],
    ]);
  });

  it("draws the matrix on the health page, each count a link to its accounts", async () => {
    const out = join(fixture.dir, "band-site");
    await renderSite(fixture.db, fixture.config, out, [healthPage]);
    const page = readFileSync(join(out, "health.html"), "utf8");
    const matrix = page.slice(page.indexOf('id="health-band-moves"'), page.indexOf("</figure>", page.indexOf('id="health-band-moves"')));
    expect(matrix).toContain("2 accounts scored at both ends");
    // Rows and columns in the bands' order, worst first: red, yellow.
    expect([...matrix.matchAll(/<th scope="(?:col|row)"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual([
      "From ↓ · to →",
      "red",
      "yellow",
      "red",
      "yellow",
    ]);
    expect(matrix).toMatch(/m=band_move_accounts&amp;p=2025-05-31&amp;d\.band_from=yellow&amp;d\.band_to=red">1<\/a>/);
    expect(matrix).toMatch(/m=band_move_accounts&amp;p=2025-05-31&amp;d\.band_from=red&amp;d\.band_to=red">1<\/a>/);
  });
});
