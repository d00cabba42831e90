import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../project/config.ts";
import { Warehouse } from "../core/warehouse.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { generateSample } from "../pipelines/sample/generate.ts";
import { findSources } from "../pipelines/sources.ts";
import { buildFixture, tempDir } from "./helpers.ts";

// Issue 12, item 12: every tie is broken by a stated key, so the same input gives the same warehouse
// whatever the thread count.
const work = tempDir("bellwether-determinism-");

/** One fingerprint per table: an md5 of its rows as text, sorted (load ids are random by design and left out). */
async function fingerprints(threads: number): Promise<Map<string, string>> {
  const db = await Warehouse.open(join(work.dir, `w${threads}.duckdb`));
  try {
    await db.run(`SET threads = ${threads}`);
    const config = parseConfig({ warehouse: join(work.dir, `w${threads}.duckdb`) }, work.dir);
    await ingest(db, findSources(join(work.dir, "sample")));
    const run = await runAssets(db, config, { assets: modelAssets() });
    const failed = run.materializations.filter((m) => m.status !== "built");
    if (failed.length) throw new Error(failed.map((m) => `${m.asset}: ${m.error}`).join("\n"));
    const tables = await db.all<{ schema: string; name: string; load: boolean }>(
      `SELECT table_schema AS schema, table_name AS name,
         EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = '_load_id') AS load
       FROM information_schema.tables t WHERE table_schema IN ('raw', 'quarantine', 'shadow', 'staging', 'marts') ORDER BY 1, 2`,
    );
    const out = new Map<string, string>();
    for (const t of tables) {
      const from = `(SELECT * ${t.load ? "EXCLUDE (_load_id)" : ""} FROM "${t.schema}"."${t.name}") AS r`;
      const row = await db.one<{ h: string; n: number }>(
        `SELECT md5(coalesce(string_agg(r::VARCHAR, chr(10) ORDER BY r::VARCHAR), '')) AS h, count(*) AS n FROM ${from}`,
      );
      out.set(`${t.schema}.${t.name}`, `${row?.n} rows ${row?.h}`);
    }
    return out;
  } finally {
    db.close();
  }
}

describe("the same input, the same warehouse", () => {
  beforeAll(async () => {
    await generateSample({ out: join(work.dir, "sample"), accounts: 160, months: 24, seed: "7" });
  });
  afterAll(() => work.cleanup());

  it("builds every table identically on one thread and on four", async () => {
    const one = await fingerprints(1);
    const four = await fingerprints(4);
    expect(one.size).toBeGreaterThan(30);
    const differing = [...one].filter(([table, print]) => four.get(table) !== print).map(([table]) => table);
    expect(differing).toEqual([]);
  });
});

describe("stated tie-breaks", () => {
  it("takes the same-day answer with the highest response_id as the latest sentiment, whatever the file order", async () => {
    // R2 (a 9) has the higher id than R1 (a 2) on the same day, and wins whichever comes first in the file.
    for (const answers of [
      ["R1,T1,nps,2,2024-01-10", "R2,T1,nps,9,2024-01-10"],
      ["R2,T1,nps,9,2024-01-10", "R1,T1,nps,2,2024-01-10"],
    ]) {
      const sources = tempDir();
      writeFileSync(join(sources.dir, "crm_accounts.csv"), "account_id,name\nT1,Tie\n");
      writeFileSync(
        join(sources.dir, "crm_subscriptions.csv"),
        "subscription_id,account_id,start_date,amount,interval_months\nS1,T1,2024-01-01,100,1\n",
      );
      writeFileSync(join(sources.dir, "survey_responses.csv"), ["response_id,account_id,survey,score,responded_at", ...answers].join("\n"));
      const fixture = await buildFixture(sources.dir, { asOf: "2024-01-31" });
      try {
        expect(await fixture.db.all("SELECT account_id, sentiment FROM marts.health_inputs"), answers[0]).toEqual([
          { account_id: "T1", sentiment: 9 },
        ]);
      } finally {
        fixture.cleanup();
        sources.cleanup();
      }
    }
  });
});
