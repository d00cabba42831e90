import { cpSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modelAssets, rawAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { readModel } from "../models/model.ts";
import { findSources } from "../pipelines/sources.ts";
import { buildFixture, FIXTURES, tempDir } from "./helpers.ts";

const month = (year: number, m: number) => year * 12 + m - 1;
const DEC_2024 = month(2024, 12);
const JAN_2025 = month(2025, 1);
const FEB_2025 = month(2025, 2);
const MAR_2025 = month(2025, 3);

const HEADER = "account_id,user_id,event_name,occurred_at,event_id\n";

describe("usage models built a month at a time", () => {
  it("recompute only the months a new or changed usage file touches, and equal a full build", async () => {
    // The health fixture's events, as the first file of a folder that more files join later.
    const copy = tempDir();
    cpSync(join(FIXTURES, "health"), copy.dir, { recursive: true });
    mkdirSync(join(copy.dir, "usage_events"));
    renameSync(join(copy.dir, "usage_events.csv"), join(copy.dir, "usage_events", "part-1.csv"));
    const settings = { asOf: "2025-03-31" };
    const fixture = await buildFixture(copy.dir, settings);
    const usage = (account: string, index: number) =>
      fixture.db.one<{ users: number; events: number; prior: number }>(
        `SELECT active_users_30d::INTEGER AS users, events_30d::INTEGER AS events, events_prior_30d::INTEGER AS prior
         FROM marts.account_usage_months WHERE account_id = $1 AND month_index = $2`,
        [account, index],
      );
    const run = async () => {
      const result = await runAssets(fixture.db, fixture.config, {
        assets: [...rawAssets(), ...modelAssets()],
        sources: findSources(copy.dir),
      });
      expect(result.status).toBe("succeeded");
      return result.materializations.find((m) => m.asset === "marts.account_usage_months")?.checks;
    };
    try {
      // By hand from usage_events.csv. H1: five events of u1–u3 on 3–15 January, all in (1 Jan, 31 Jan];
      // in February they are in the 30 days before (29 Jan, 28 Feb]. H2: three users on 20 December, before
      // its first subscription (no December row), in the 30 days before January's window: (2 Dec, 1 Jan].
      expect(await usage("H1", JAN_2025)).toEqual({ users: 3, events: 5, prior: 0 });
      expect(await usage("H1", FEB_2025)).toEqual({ users: 0, events: 0, prior: 5 });
      expect(await usage("H2", DEC_2024)).toBeUndefined();
      expect(await usage("H2", JAN_2025)).toEqual({ users: 0, events: 0, prior: 3 });

      // A late file: one H2 event on 28 December (a fourth user), one H1 event on 30 March. Months read
      // December and the two after it, March and the two after it: six months, whatever else the run rebuilt.
      writeFileSync(
        join(copy.dir, "usage_events", "part-2.csv"),
        `${HEADER}H2,v4,login,2024-12-28T09:00:00Z,late1\nH1,u4,login,2025-03-30T09:00:00Z,late2\n`,
      );
      expect(await run()).toMatch(/^6 of \d+ months rebuilt/);
      expect(await usage("H2", JAN_2025)).toEqual({ users: 0, events: 0, prior: 4 });
      expect(await usage("H1", MAR_2025)).toEqual({ users: 1, events: 1, prior: 0 });
      await expectSameAsFullBuild(fixture.db, copy.dir, settings);

      // The late file corrected: H1's event dropped. Only March's months again; H1's March is empty once more.
      writeFileSync(join(copy.dir, "usage_events", "part-2.csv"), `${HEADER}H2,v4,login,2024-12-28T09:00:00Z,late1\n`);
      expect(await run()).toMatch(/^3 of \d+ months rebuilt/);
      expect(await usage("H1", MAR_2025)).toEqual({ users: 0, events: 0, prior: 0 });
      await expectSameAsFullBuild(fixture.db, copy.dir, settings);

      // --full-refresh: every month.
      const full = await runAssets(fixture.db, fixture.config, { assets: modelAssets(), fullRefresh: true });
      expect(full.materializations.find((m) => m.asset === "marts.account_usage_months")?.checks).toMatch(/^all months built/);
    } finally {
      await fixture.cleanup();
      copy.cleanup();
    }
  }, 120_000);

  it("refuses an @months line it cannot read, and an incremental view", () => {
    const dir = tempDir();
    try {
      const file = join(dir.dir, "bad.sql");
      writeFileSync(file, "-- One row.\n-- @incremental month_index\n-- @months usage_events month_index\nSELECT 1 AS month_index\n");
      expect(() => readModel(file, "marts")).toThrow(/bad\.sql: cannot read "@months usage_events month_index"/);
      writeFileSync(file, "-- One row.\n-- @incremental month_index\n-- @months marts.x: month_index\n-- @materialized view\nSELECT 1\n");
      expect(() => readModel(file, "marts")).toThrow(/bad\.sql: a view .* cannot be @incremental/);
    } finally {
      dir.cleanup();
    }
  });
});

/** Every staging and marts table of `db` holds exactly the rows a fresh build from the same files holds. */
async function expectSameAsFullBuild(db: Awaited<ReturnType<typeof buildFixture>>["db"], sources: string, settings: { asOf: string }) {
  const fresh = await buildFixture(sources, settings);
  const file = join(fresh.dir, "warehouse.duckdb");
  await fresh.db.close();
  await db.run(`ATTACH '${file}' AS fresh (READ_ONLY)`);
  try {
    const tables = await db.all<{ name: string }>(
      "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_catalog = 'fresh' AND table_schema IN ('staging', 'marts') AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    expect(tables.map((t) => t.name)).toContain("marts.account_usage_months");
    const differing: string[] = [];
    for (const { name } of tables) {
      const diff = await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ((SELECT * FROM ${name} EXCEPT ALL SELECT * FROM fresh.${name}) UNION ALL (SELECT * FROM fresh.${name} EXCEPT ALL SELECT * FROM ${name}))`,
      );
      if (diff?.n) differing.push(`${name}: ${diff.n} rows differ`);
    }
    expect(differing).toEqual([]);
  } finally {
    await db.run("DETACH fresh");
    await fresh.cleanup();
  }
}
