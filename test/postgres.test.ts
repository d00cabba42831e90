import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../project/config.ts";
import { PostgresWarehouse } from "../core/postgres-warehouse.ts";
import { type Row, Warehouse } from "../core/warehouse.ts";
import type { MetricQuery } from "../metrics/compile.ts";
import { query } from "../metrics/query.ts";
import { readModels } from "../models/model.ts";
import { landTable } from "../pipelines/ingest.ts";
import { RENEWALS_CONFIG } from "./fixtures/renewals/config.ts";
import { buildFixture, cli, FIXTURES, tempDir } from "./helpers.ts";
import { type LocalPostgres, startPostgres } from "./support/postgres-server.ts";
import { forgetLandedFile } from "../pipelines/forget.ts";
import { rowDifferences } from "./support/same-rows.ts";

// Issue 14: the same models and metric queries give the same rows on DuckDB and on a real PostgreSQL
// server, which this file starts itself (a private cluster on a Unix socket, stopped by its PID).

/** Every metric type, grouped and filtered, at every grain. */
const QUERIES: MetricQuery[] = [
  { metrics: ["arr", "mrr", "customers", "arpa", "arr_growth"] },
  {
    metrics: ["nrr", "grr", "logo_churn", "logo_retention", "logo_retention_low", "logo_retention_high"],
    by: ["segment"],
    grain: "quarter",
  },
  {
    metrics: ["new_arr", "expansion_arr", "contraction_arr", "churned_arr", "reactivation_arr", "quick_ratio"],
    by: ["plan"],
    grain: "year",
  },
  { metrics: ["arr", "nrr"], where: { segment: ["SMB", "Mid-Market"] }, grain: "quarter" },
  { metrics: ["cohort_accounts", "cohort_logo_retention", "cohort_revenue_retention"], by: ["cohort_quarter"], grain: "quarter" },
  { metrics: ["tickets", "first_response_hours_median", "first_response_hours_p75", "tickets_per_account"], by: ["touch_tier"] },
  { metrics: ["nps", "csat_avg", "ces_avg"], grain: "quarter" },
  { metrics: ["tickets", "nps"], where: { segment: ["SMB"] }, grain: "quarter" },
  { metrics: ["ttv_median_days", "ttv_p75_days", "ttv_km_median_days", "ttv_reached_30d"], by: ["cohort_quarter"], grain: "quarter" },
  { metrics: ["health_score_avg", "health_accounts", "health_arr"], by: ["health_band"], grain: "quarter" },
  { metrics: ["health_auc", "health_churn_rate", "health_lead_days_median"], grain: "year" },
  { metrics: ["retention_cost", "cost_to_retain", "cs_cost_pct_revenue", "cost_per_retained_dollar"], by: ["segment"], grain: "year" },
  { metrics: ["retention_cost", "arr"], by: ["cost_center"], grain: "year" },
  { metrics: ["active_users_30d", "dau_mau", "license_utilization", "time_to_expansion_days"], by: ["employee_band"], grain: "quarter" },
  { metrics: ["renewal_arr_due", "gross_renewal_rate", "net_renewal_rate", "month_to_month_arr"], by: ["segment"], grain: "quarter" },
  { metrics: ["forecast_grr", "forecast_lost_arr", "risk_weighted_arr", "p_loss"], by: ["health_band"], grain: "quarter" },
  { metrics: ["forecast_grr_error"], by: ["forecast_horizon"] },
  // Comparisons, the accounts behind figures, moves between groups and band movement: their SQL too.
  { metrics: ["arr", "nrr", "new_arr", "arpa"], by: ["segment"], grain: "quarter", compare: "previous" },
  { metrics: ["arr", "nrr", "arpa", "churned_arr"], grain: "quarter", accounts: true },
  { metrics: ["opening_arr", "expansion_arr", "moved_in_arr", "moved_out_arr", "arr"], by: ["touch_tier"], grain: "quarter" },
  { metrics: ["band_move_accounts", "band_move_arr"], by: ["band_from", "band_to"], grain: "quarter" },
  { metrics: ["churned_arr_by_reason"], by: ["churn_reason"], grain: "year" },
];

let server: LocalPostgres;
let databases = 0;
/** A fresh database on the private server, as a warehouse URL with a schema prefix. */
const freshDatabase = async () => {
  const name = `cs${++databases}`;
  await server.createDatabase(name);
  return { name, url: server.url(name, { schema: "bellwether" }) };
};
const freshWarehouse = async () => (await freshDatabase()).url;

beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function modelRows(db: Warehouse, id: string): Promise<Row[]> {
  return db.all(`SELECT * FROM ${id}`);
}

async function compareBuilds(duck: Warehouse, pg: Warehouse, config: Parameters<typeof query>[1]): Promise<string[]> {
  const problems: string[] = [];
  for (const model of readModels())
    problems.push(...rowDifferences(await modelRows(duck, model.id), await modelRows(pg, model.id), model.id));
  for (const request of QUERIES) {
    const label = `query ${request.metrics.join(",")}`;
    problems.push(...rowDifferences((await query(duck, config, request)).rows, (await query(pg, config, request)).rows, label));
  }
  return problems;
}

describe.each([
  ["retention", { asOf: "2024-12-31" }],
  ["movements", { asOf: "2024-12-31" }],
  ["health", { asOf: "2025-03-31", icp: { minAccounts: 2 } }],
  // Renewals, reasons, loss rates and the forecast with its backtest, all worked by hand.
  ["renewals", RENEWALS_CONFIG],
  // Vendor exports through their mappings: landed by the relay, the same rows on both engines.
  [
    "vendors",
    {
      asOf: "2024-06-30",
      mappings: {
        stripe: { params: { account_id: "metadata" } },
        zendesk: { params: { account_id: "crosswalk" } },
        segment: { params: { account_id: "crosswalk" } },
      },
    },
  ],
] as const)("the %s fixture on DuckDB and PostgreSQL", (fixture, configInput) => {
  it("gives the same rows in every model and every metric query", async () => {
    const duck = await buildFixture(join(FIXTURES, fixture), configInput);
    const pg = await buildFixture(join(FIXTURES, fixture), { ...configInput, warehouse: await freshWarehouse() });
    try {
      expect(pg.db.dialect.name).toBe("postgres");
      // The fixture has rows in the marts these queries read: an empty comparison would prove nothing.
      expect((await pg.db.one<{ n: number }>("SELECT count(*) AS n FROM marts.account_months"))?.n).toBeGreaterThan(10);
      expect(await compareBuilds(duck.db, pg.db, duck.config)).toEqual([]);
    } finally {
      await duck.cleanup();
      await pg.cleanup();
    }
  }, 120_000);
});

// The three ways a hand translation to PostgreSQL went wrong with no error, each pinned to a value
// worked out here: integer division, ties, and floating-point money.
describe("the silent traps, on PostgreSQL", () => {
  const sources = tempDir();
  let pg: Awaited<ReturnType<typeof buildFixture>>;
  beforeAll(async () => {
    writeFileSync(join(sources.dir, "crm_accounts.csv"), "account_id,name\nA1,One\nA2,Two\nA3,Three\n");
    writeFileSync(
      join(sources.dir, "crm_subscriptions.csv"),
      [
        "subscription_id,account_id,plan,start_date,end_date,amount,interval_months",
        // A1: 0.1 + 0.2 a month: 3.60 a year exactly (3.6000000000000005 in floating point).
        "S1,A1,Basic,2024-01-01,,0.1,1",
        "S2,A1,Basic,2024-01-01,,0.2,1",
        // A2: two lines of the same ARR: its plan is the lowest subscription_id's (Zeta), not the first by
        // name nor the first in the file.
        "S4,A2,Alpha,2024-01-01,,50,1",
        "S3,A2,Zeta,2024-01-01,,50,1",
        // A3: leaves at the end of January.
        "S5,A3,Basic,2024-01-01,2024-02-01,10,1",
      ].join("\n"),
    );
    pg = await buildFixture(sources.dir, { asOf: "2024-02-29", warehouse: await freshWarehouse() });
  }, 120_000);
  afterAll(async () => {
    await pg?.cleanup();
    sources.cleanup();
  });

  it("divides counts in floating point: two of three accounts retained is 2/3, not 0", async () => {
    const cohort = await pg.db.all<{ age_months: number; logo_retention: number; revenue_retention: number }>(
      "SELECT age_months, logo_retention, revenue_retention FROM marts.cohort_retention ORDER BY age_months",
    );
    expect(cohort.map((r) => r.age_months)).toEqual([0, 1]);
    expect(cohort[1]?.logo_retention).toBeCloseTo(2 / 3, 12);
    // ARR 3.60 + 1,200 of 3.60 + 1,200 + 120 kept.
    expect(cohort[1]?.revenue_retention).toBeCloseTo(1203.6 / 1323.6, 12);
    const [row] = (await query(pg.db, pg.config, { metrics: ["logo_retention", "logo_churn", "arpa"], window: 1, from: "2024-02-29" }))
      .rows;
    expect(row?.logo_retention).toBeCloseTo(2 / 3, 12);
    expect(row?.logo_churn).toBeCloseTo(1 / 3, 12);
    // A derived ratio of a sum and a count: 1,203.60 / 2 accounts.
    expect(row?.arpa).toBe(601.8);
  });

  it("breaks a tie between lines by the stated key", async () => {
    expect(await pg.db.all("SELECT account_id, plan FROM marts.account_months WHERE month_index = 24289 ORDER BY account_id")).toEqual([
      { account_id: "A1", plan: "Basic" },
      { account_id: "A2", plan: "Zeta" },
      { account_id: "A3", plan: null },
    ]);
  });

  it("keeps money exact: 0.1 + 0.2 a month is 3.60 a year, and the bridge adds up with =", async () => {
    expect(
      await pg.db.all("SELECT account_id, {{ text(arr) }} AS arr FROM marts.account_months WHERE month_index = 24288 ORDER BY account_id"),
    ).toEqual([
      { account_id: "A1", arr: "3.60" },
      { account_id: "A2", arr: "1200.00" },
      { account_id: "A3", arr: "120.00" },
    ]);
    const bridge = await pg.db.all<{ ok: boolean }>(
      "SELECT opening_arr + new_arr + reactivation_arr + expansion_arr + contraction_arr + churned_arr = closing_arr AS ok FROM marts.arr_bridge",
    );
    expect(bridge.map((b) => b.ok)).toEqual([true, true]);
  });
});

describe("the sample, built by the command line on both engines", () => {
  const work = tempDir();
  let url: string;
  beforeAll(async () => {
    url = await freshWarehouse();
    const duck = cli(["build", "--sample", "--warehouse", join(work.dir, "w.duckdb"), "--site", join(work.dir, "duck-site")], work.dir);
    expect(duck.stderr).not.toMatch(/error/);
    expect(duck.status).toBe(0);
    const pg = cli(["build", "--sample", "--warehouse", url, "--site", join(work.dir, "pg-site")], work.dir);
    expect(pg.stderr).not.toMatch(/error/);
    expect(pg.status).toBe(0);
  }, 240_000);
  afterAll(() => work.cleanup());

  it("writes the same numbers into every download of the site", () => {
    const files = readdirSync(join(work.dir, "duck-site", "data")).filter((f) => f.endsWith(".csv"));
    expect(files.length).toBeGreaterThan(20);
    const problems: string[] = [];
    // Load times and ages differ by when each build ran; everything else is numbers from the marts.
    for (const file of files.filter((f) => !f.startsWith("quality-loads") && !f.startsWith("quality-freshness"))) {
      const parse = (site: string) => {
        const [header = "", ...lines] = readFileSync(join(work.dir, site, "data", file), "utf8")
          .trim()
          .split("\n");
        const columns = header.split(",");
        return lines.map((line) =>
          Object.fromEntries(
            line.split(",").map((cell, i) => [columns[i] ?? i, cell !== "" && Number.isFinite(Number(cell)) ? Number(cell) : cell]),
          ),
        );
      };
      problems.push(...rowDifferences(parse("duck-site"), parse("pg-site"), file));
    }
    expect(problems).toEqual([]);
    // The glossary shows the SQL the warehouse's engine ran.
    expect(readFileSync(join(work.dir, "pg-site", "glossary.html"), "utf8")).toContain("AS double precision)");
    expect(readFileSync(join(work.dir, "duck-site", "glossary.html"), "utf8")).not.toContain("double precision");
  });

  it("gives every model the same rows, and `bellwether query` prints the same JSON", async () => {
    const duck = await Warehouse.openReadOnly(join(work.dir, "w.duckdb"));
    const pg = await PostgresWarehouse.connect(url, { readOnly: true });
    try {
      const config = parseConfig({}, work.dir);
      expect(await compareBuilds(duck, pg, config)).toEqual([]);
    } finally {
      await duck.close();
      await pg.close();
    }
    const ask = (warehouse: string) =>
      cli(["query", "nrr,grr", "--by", "segment", "--grain", "quarter", "--format", "json", "--warehouse", warehouse], work.dir);
    const fromDuck = ask(join(work.dir, "w.duckdb"));
    const fromPg = ask(url);
    expect(fromPg.status).toBe(0);
    expect(JSON.parse(fromPg.stdout).length).toBeGreaterThan(30);
    expect(fromPg.stdout).toBe(fromDuck.stdout);
    // Every model's rows of the sample come back from both engines (the usage events alone are 1.3M): about
    // 90 s on 2 cores, more when other suites share them.
  }, 300_000);
});

describe("a PostgreSQL warehouse, used by people", () => {
  it("says what to check when the server is not there, and never prints the password", async () => {
    const run = cli(["status", "--warehouse", "postgres://ana:s3cret@127.0.0.1:1/cs?schema=bw"], tempDir().dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "postgres://ana@127.0.0.1:1/cs?schema=bw: could not connect to PostgreSQL: nothing is listening at 127.0.0.1:1",
    );
    expect(run.stderr + run.stdout).not.toContain("s3cret");
  });

  it("refuses a second writer at once, naming the first, and never prints a ?password=", async () => {
    const sources = tempDir();
    writeFileSync(join(sources.dir, "crm_accounts.csv"), "account_id,name,employee_count\nA1,One,10\n");
    const url = await freshWarehouse();
    const first = await PostgresWarehouse.connect(url);
    try {
      // A run in flight holds the warehouse: an ingest at the same time exits 1 straight away.
      const release = await first.holdForWriting("run");
      const started = Date.now();
      const second = cli(["ingest", "--dir", sources.dir, "--warehouse", `${url}&password=hunter2`], sources.dir);
      expect(second.status).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(second.stderr).toContain(
        "another bellwether command is writing this warehouse; try again when it finishes (ingest was refused)",
      );
      expect(second.stderr + second.stdout).not.toContain("hunter2");
      expect(second.stderr).toContain("password=***");
      await release();
      // Free again: the ingest lands.
      expect(cli(["ingest", "--dir", sources.dir, "--warehouse", url], sources.dir).status).toBe(0);
      expect(await first.all("SELECT account_id FROM raw.crm_accounts")).toEqual([{ account_id: "A1" }]);
    } finally {
      await first.close();
      sources.cleanup();
    }
  }, 120_000);

  it("lands a corrected file again through the embedded relay: its old rows and quarantine go, the new ones come, unchanged bytes skip", async () => {
    const sources = tempDir();
    const file = join(sources.dir, "crm_accounts.csv");
    const db = await PostgresWarehouse.connect(await freshWarehouse());
    try {
      const accounts = () => db.all("SELECT account_id, employee_count, _source_line FROM raw.crm_accounts ORDER BY account_id");
      const held = () =>
        db.all("SELECT _source_line, reason, column_name, employee_count FROM quarantine.crm_accounts ORDER BY _source_line");
      writeFileSync(file, "account_id,name,employee_count\nA1,One,10\nA2,Two,abc\n");
      expect((await landTable(db, "crm_accounts", [file])).map((l) => [l.status, l.landed, l.quarantined])).toEqual([["landed", 1, 1]]);
      expect(await accounts()).toEqual([{ account_id: "A1", employee_count: 10, _source_line: 2 }]);
      expect(await held()).toEqual([{ _source_line: 3, reason: "bad_type", column_name: "employee_count", employee_count: "abc" }]);

      writeFileSync(file, "account_id,name,employee_count\nA1,One,12\nA2,Two,20\nA3,Three,\n");
      expect((await landTable(db, "crm_accounts", [file])).map((l) => [l.status, l.landed, l.quarantined])).toEqual([["landed", 3, 0]]);
      expect(await accounts()).toEqual([
        { account_id: "A1", employee_count: 12, _source_line: 2 },
        { account_id: "A2", employee_count: 20, _source_line: 3 },
        { account_id: "A3", employee_count: null, _source_line: 4 },
      ]);
      expect(await held()).toEqual([]);
      expect((await landTable(db, "crm_accounts", [file])).map((l) => l.status)).toEqual(["skipped"]);
      const loads = await db.all("SELECT rows_landed, rows_quarantined, status FROM meta.loads ORDER BY started_at");
      expect(loads).toEqual([
        { rows_landed: 1, rows_quarantined: 1, status: "landed" },
        { rows_landed: 3, rows_quarantined: 0, status: "landed" },
      ]);
    } finally {
      await db.close();
      sources.cleanup();
    }
  });

  it("forgets a landed file through the relay: its rows go, a key it took comes back from the older file", async () => {
    const sources = tempDir();
    const older = join(sources.dir, "a.csv");
    const newer = join(sources.dir, "b.csv");
    const db = await PostgresWarehouse.connect(await freshWarehouse());
    try {
      writeFileSync(older, "account_id,name\nA1,First\n");
      writeFileSync(newer, "account_id,name\nA1,Second\nA2,Two\n");
      await landTable(db, "crm_accounts", [older, newer]);
      expect(await forgetLandedFile(db, newer)).toEqual([{ table: "crm_accounts", rows: 2, quarantined: 0 }]);
      expect(await db.all("SELECT account_id, name, _source_file FROM raw.crm_accounts")).toEqual([
        { account_id: "A1", name: "First", _source_file: older },
      ]);
      expect(await db.all("SELECT count(*)::INTEGER AS n FROM shadow.crm_accounts")).toEqual([{ n: 0 }]);
      expect(await db.all("SELECT file, status FROM meta.loads ORDER BY file")).toEqual([
        { file: older, status: "landed" },
        { file: newer, status: "forgotten" },
      ]);
    } finally {
      await db.close();
      sources.cleanup();
    }
  });

  it("copies rows both ways keeping an empty text apart from null, and quotes and line breaks as they are", async () => {
    const work = tempDir();
    const pg = await PostgresWarehouse.connect(await freshWarehouse());
    const duck = await Warehouse.open(":memory:");
    const back = await Warehouse.open(":memory:");
    try {
      for (const db of [pg, duck, back])
        await db.run("CREATE SCHEMA IF NOT EXISTS raw; CREATE TABLE raw.e (a VARCHAR, b VARCHAR, n INTEGER)");
      await duck.run(`INSERT INTO raw.e VALUES ('', NULL, 1), ('x,"y"' || chr(10) || 'z', '', NULL)`);
      await duck.exportCsv("SELECT * FROM raw.e", join(work.dir, "out.csv"));
      await pg.importCsv("raw.e", join(work.dir, "out.csv"));
      await pg.exportCsv("SELECT * FROM raw.e", join(work.dir, "back.csv"));
      await back.importCsv("raw.e", join(work.dir, "back.csv"));
      const expected = [
        { a: "", b: null, n: 1 },
        { a: 'x,"y"\nz', b: "", n: null },
      ];
      expect(await pg.all("SELECT * FROM raw.e ORDER BY n NULLS LAST")).toEqual(expected);
      expect(await back.all("SELECT * FROM raw.e ORDER BY n NULLS LAST")).toEqual(expected);
    } finally {
      await pg.close();
      await duck.close();
      await back.close();
      work.cleanup();
    }
  });

  it("names a database that does not exist and how to create it", async () => {
    await expect(PostgresWarehouse.connect(server.url("nowhere"))).rejects.toThrow(
      /the database "nowhere" does not exist .*createdb nowhere/,
    );
  });

  it("keeps a book's schemas under its prefix, and reads raw tables a loader landed in another schema (?raw=) without landing there", async () => {
    const { name, url: landed } = await freshDatabase();
    const first = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-12-31", warehouse: landed });
    await first.cleanup();
    const db = await PostgresWarehouse.connect(landed, { readOnly: true });
    try {
      const schemas = await db.all<{ s: string }>(
        "SELECT schema_name AS s FROM information_schema.schemata WHERE schema_name LIKE 'bellwether\\_%' ORDER BY 1",
      );
      expect(schemas.map((r) => r.s)).toEqual([
        "bellwether_config",
        "bellwether_marts",
        "bellwether_meta",
        "bellwether_quarantine",
        "bellwether_raw",
        "bellwether_shadow",
        "bellwether_staging",
      ]);
    } finally {
      await db.close();
    }
    // A loader's schema: the canonical tables, copied from the landed book (without Bellwether's lineage columns).
    const tables = ["crm_accounts", "crm_subscriptions", "finance_fx_rates"];
    await server.sql(name, "CREATE SCHEMA loader");
    for (const t of tables) {
      await server.sql(name, `CREATE TABLE loader.${t} AS SELECT * FROM bellwether_raw.${t}`);
      await server.sql(name, `ALTER TABLE loader.${t} DROP COLUMN _source_file, DROP COLUMN _source_line, DROP COLUMN _load_id`);
    }
    for (const t of [
      "crm_contacts",
      "crm_opportunities",
      "crm_milestones",
      "support_tickets",
      "usage_events",
      "survey_responses",
      "finance_cs_costs",
    ]) {
      await server.sql(name, `CREATE TABLE loader.${t} AS SELECT * FROM bellwether_raw.${t} WHERE false`);
    }
    const reader = await buildFixture(tempDir().dir, {
      asOf: "2024-12-31",
      warehouse: server.url(name, { schema: "second", raw: "loader" }),
    });
    const original = await PostgresWarehouse.connect(landed, { readOnly: true });
    try {
      expect(await reader.db.all("SELECT account_id, month_index, arr FROM marts.account_months ORDER BY 1, 2")).toEqual(
        await original.all("SELECT account_id, month_index, arr FROM marts.account_months ORDER BY 1, 2"),
      );
      expect(await reader.db.tableExists("raw", "crm_accounts")).toBe(true);
      expect(
        (await server.sql(name, "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'second_raw'")).rows[0].n,
      ).toBe("0");
    } finally {
      await original.close();
      await reader.cleanup();
    }
  }, 120_000);
});
