import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, FIXTURES, tempDir } from "./helpers.ts";

/*
 * A project of one's own: `bellwether init` into a temporary folder, a model, a metric over it and a
 * page added beside the worked examples, built from the movements fixture as of 2024-06-30 by the real CLI.
 */
const work = tempDir("bellwether-project-");
const project = join(work.dir, "acme");
const run = (...args: string[]) => cli(args, project);

/** Writes a project file, runs `fn`, and takes the file away again (a clash must not outlive its test). */
async function withFile(file: string, text: string, fn: () => void | Promise<void>) {
  writeFileSync(join(project, file), text);
  try {
    await fn();
  } finally {
    rmSync(join(project, file));
  }
}

beforeAll(() => {
  const init = cli(["init", project], work.dir);
  if (init.status !== 0) throw new Error(init.stderr);
  // Months each account has paid, from the init example model: a second model reads it.
  writeFileSync(
    join(project, "models", "long_customers.sql"),
    `-- One row per account and month it has paid for at least four months.
-- @column long_customer: always true: the account has paid four months or more
SELECT account_id, month_index, month, TRUE AS long_customer FROM marts.account_tenure WHERE tenure_months >= 4
`,
  );
  writeFileSync(
    join(project, "metrics", "long.ts"),
    `import { defineMetric } from "bellwether";
export const longCustomers = defineMetric({
  name: "long_customers",
  label: "Customers of four months or more",
  description: "Accounts paying at the period's end that have paid four months or more.",
  formula: "|{accounts with tenure(t) >= 4}|",
  format: "count",
  type: "snapshot",
  table: "long_customers",
  agg: "count_distinct",
  measure: "am.account_id",
});
`,
  );
  writeFileSync(
    join(project, "pages", "long.ts"),
    `import { definePage } from "bellwether";
export const longPage = definePage({
  file: "long.html",
  nav: "Long customers",
  title: "Long customers",
  intro: "Accounts that have paid four months or more.",
  tiles: { metrics: ["long_customers", "avg_tenure_months"], query: { grain: "month" } },
  sections: [],
});
`,
  );
  const build = run("build", "--sources", join(FIXTURES, "movements"), "--as-of", "2024-06-30", "--quiet");
  if (build.status !== 0) throw new Error(build.stderr);
}, 180_000);
afterAll(() => work.cleanup());

describe("bellwether init and a project's own models, metrics and pages", () => {
  it("writes a project folder with a worked example in each", () => {
    for (const file of [
      "bellwether.config.ts",
      "models/account_tenure.sql",
      "metrics/tenure.ts",
      "pages/tenure.ts",
      "mappings/billing_export/mapping.json",
      "alerts/long_customer_red.sql",
      "exports/.gitkeep",
      ".gitignore",
      "README.md",
    ]) {
      expect(readFileSync(join(project, file), "utf8"), file).toBeDefined();
    }
    expect(cli(["init", project], work.dir).stderr).toContain("not empty");
    // exports/ means one thing everywhere: the team's input files, as in the main README.
    const readme = readFileSync(join(project, "README.md"), "utf8");
    expect(readme).toContain("| `exports/` | your input files");
    expect(readme).not.toMatch(/> exports\//);
  });

  it("puts the project's models in the graph and the warehouse, with their comments", async () => {
    const status = run("status", "--format", "json");
    const assets = (JSON.parse(status.stdout) as { asset: string; inputs?: string[] }[]).map((a) => a.asset);
    expect(assets).toContain("marts.account_tenure");
    expect(assets).toContain("marts.long_customers");
    const instance = await DuckDBInstance.create(join(project, "warehouse.duckdb"), { access_mode: "READ_ONLY" });
    const db = await instance.connect();
    try {
      // Paying months to June 2024 (movements fixture): M1 Jan–Jun 6; M3 Jan, Feb and again from June 3;
      // M4 from February 5; M5 from May 20 2; M6 from March 4; M2 stopped at the end of April.
      const tenure = await db.runAndReadAll(
        "SELECT account_id, tenure_months FROM marts.account_tenure WHERE month = DATE '2024-06-01' ORDER BY account_id",
      );
      expect(tenure.getRowObjectsJson()).toEqual([
        { account_id: "M1", tenure_months: 6 },
        { account_id: "M3", tenure_months: 3 },
        { account_id: "M4", tenure_months: 5 },
        { account_id: "M5", tenure_months: 2 },
        { account_id: "M6", tenure_months: 4 },
      ]);
      const comments = await db.runAndReadAll(
        `SELECT c.column_name, c.comment, t.comment AS table_comment FROM duckdb_columns() AS c
         JOIN duckdb_tables() AS t USING (schema_name, table_name)
         WHERE c.schema_name = 'marts' AND c.table_name = 'account_tenure' AND c.column_name IN ('tenure_months', 'month')
         ORDER BY c.column_name`,
      );
      expect(comments.getRowObjectsJson()).toEqual([
        {
          column_name: "month",
          comment: "the month's first day",
          table_comment: expect.stringMatching(/^One row per account and month it pays/),
        },
        {
          column_name: "tenure_months",
          comment: "months the account has paid up to and including this one",
          table_comment: expect.stringMatching(/^One row per account and month it pays/),
        },
      ]);
      // A built-in model's common columns are described too.
      const common = await db.runAndReadAll(
        "SELECT comment FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = 'health_scores' AND column_name = 'month_index'",
      );
      expect(String(common.getRowObjectsJson()[0]?.comment)).toMatch(/^The month as months since year 0/);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it("answers the project's metrics from query", () => {
    const out = run("query", "avg_tenure_months,long_customers", "--grain", "month", "--from", "2024-06-30", "--format", "json");
    expect(out.stderr).toBe("");
    // (6 + 3 + 5 + 2 + 4) / 5 = 4 months; four months or more: M1, M4, M6.
    expect(JSON.parse(out.stdout)).toEqual([{ period: "2024-06-30", avg_tenure_months: 4, long_customers: 3 }]);
    expect(run("metrics").stdout).toContain("long_customers — Customers of four months or more (count, snapshot)");
  });

  it("renders the project's pages, linked from every page's navigation", () => {
    const page = readFileSync(join(project, "site", "long.html"), "utf8");
    expect(page).toContain("<h1>Long customers</h1>");
    expect(page.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ")).toContain("Customers of four months or more 3");
    for (const file of ["index.html", "board.html", "tenure.html"]) {
      const html = readFileSync(join(project, "site", file), "utf8");
      expect(html, file).toContain('href="long.html"');
      expect(html, file).toContain('href="tenure.html"');
    }
  });

  it("lands a vendor export through the project's mapping", async () => {
    expect(run("mappings").stdout).toMatch(/billing_export\s+Our billing system\s+crm_accounts\s+customers/);
    const vendor = join(work.dir, "billing");
    mkdirSync(vendor);
    writeFileSync(join(vendor, "customers.csv"), "customer_id,company,employees,manager\nB1, Acme ,40,Ana\nB2,Globex,900,\n");
    const warehouse = join(work.dir, "billing.duckdb");
    const out = run("ingest", "--dir", vendor, "--format", "billing_export", "--warehouse", warehouse);
    expect(out.status).toBe(0);
    expect(out.stderr).toContain("crm_accounts       landed");
    // Both rows land in crm_accounts; the company name is trimmed and an empty manager is no owner.
    const instance = await DuckDBInstance.create(warehouse, { access_mode: "READ_ONLY" });
    const db = await instance.connect();
    try {
      const rows = await db.runAndReadAll(
        "SELECT account_id, name, CAST(employee_count AS INTEGER) AS employee_count, owner_csm FROM raw.crm_accounts ORDER BY account_id",
      );
      expect(rows.getRowObjectsJson()).toEqual([
        { account_id: "B1", name: "Acme", employee_count: 40, owner_csm: "Ana" },
        { account_id: "B2", name: "Globex", employee_count: 900, owner_csm: null },
      ]);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });

  it("evaluates the project's SQL alert rules, and refuses one with a built-in rule's name", async () => {
    const rule = (
      replaces: string,
    ) => `-- Ours.\n${replaces}SELECT h.account_id AS subject, h.account_id, CAST(h.score AS DOUBLE PRECISION) AS value_now,
  CAST(NULL AS DOUBLE PRECISION) AS value_before, 'red' AS detail FROM marts.health_scores AS h WHERE h.month_index = $1 AND h.is_red\n`;
    await withFile("alerts/turned_red.sql", rule(""), () => {
      const out = run("status");
      expect(out.status).not.toBe(0);
      expect(out.stderr).toContain('alerts/turned_red.sql: alert rule "turned_red" has the name of the built-in one in');
    });
    await withFile("alerts/turned_red.sql", rule("-- @replaces turned_red\n"), () => {
      expect(run("status").status).toBe(0);
    });
    await withFile("alerts/no_month.sql", "SELECT 1 AS subject\n", () => {
      expect(run("status").stderr).toContain("alerts/no_month.sql: the rule's SQL must read the month evaluated as $1");
    });
  });

  it("refuses a name a built-in has unless the file says it replaces it, naming both files", async () => {
    const nrr = (replaces: string) => `import { defineMetric } from "bellwether";
export const ours = defineMetric({ name: "nrr", ${replaces} label: "NRR (ours)", description: "Ours.", formula: "ours",
  format: "percent", type: "window_retention", numerator: "arr_end", denominator: "arr_start" });
`;
    await withFile("metrics/nrr.ts", nrr(""), () => {
      const out = run("metrics");
      expect(out.status).not.toBe(0);
      expect(out.stderr).toContain(
        'metrics/nrr.ts: metric "nrr" has the name of the built-in one in bellwether/metrics/definitions/retention.ts',
      );
      expect(out.stderr).toContain('add replaces: "nrr"');
    });
    await withFile("metrics/nrr.ts", nrr('replaces: "nrr",'), () => {
      const out = run("metrics");
      expect(out.stderr).toBe("");
      expect(out.stdout).toContain("nrr — NRR (ours) (percent, window retention)");
    });
    mkdirSync(join(project, "mappings", "stripe"));
    await withFile(
      "mappings/stripe/mapping.json",
      readFileSync(join(project, "mappings", "billing_export", "mapping.json"), "utf8"),
      () => {
        const out = run("mappings");
        expect(out.status).not.toBe(0);
        expect(out.stderr).toContain(
          'mappings/stripe/mapping.json: mapping "stripe" has the name of the built-in one in bellwether/pipelines/mappings/stripe/mapping.json',
        );
      },
    );
    rmSync(join(project, "mappings", "stripe"), { recursive: true });
    await withFile("models/account_months.sql", "-- Ours.\nSELECT 1 AS x\n", () => {
      const out = run("status");
      expect(out.status).not.toBe(0);
      expect(out.stderr).toContain(
        'models/account_months.sql: model "marts.account_months" has the name of the built-in one in bellwether/models/marts/account_months.sql',
      );
    });
  });

  it("names the file and the key of a bad metric", async () => {
    const bad = `import { defineMetric } from "bellwether";
export const bad = defineMetric({ name: "bad_one", label: "Bad", description: "Bad.", formula: "x",
  format: "percentage" as never, type: "snapshot", agg: "sum", measure: "am.arr" });
`;
    await withFile("metrics/bad.ts", bad, () => {
      const out = run("metrics");
      expect(out.status).not.toBe(0);
      expect(out.stderr).toMatch(/metrics\/bad\.ts: metric bad_one: format: /);
    });
  });
});

describe("a project is a value, not a global", () => {
  it("opens two projects side by side in one process, each with its own catalog, pages and models", async () => {
    const { loadConfig } = await import("../project/config.ts");
    const { catalog } = await import("../metrics/catalog.ts");
    const acme = await loadConfig(join(project, "bellwether.config.ts"));
    const other = tempDir("bellwether-other-project-");
    try {
      writeFileSync(join(other.dir, "bellwether.config.ts"), "export default {};\n");
      const plain = await loadConfig(join(other.dir, "bellwether.config.ts"));
      // Acme's metric, page and model are in acme's project; loading it changed nothing for the other.
      expect(acme.project.catalog.metrics.has("avg_tenure_months")).toBe(true);
      expect(plain.project.catalog.metrics.has("avg_tenure_months")).toBe(false);
      expect(catalog().metrics.has("avg_tenure_months")).toBe(false);
      expect(acme.project.pages.some((p) => p.file === "tenure.html")).toBe(true);
      expect(plain.project.pages.some((p) => p.file === "tenure.html")).toBe(false);
      expect(acme.project.models.some((m) => m.name === "account_tenure")).toBe(true);
      expect(plain.project.models.some((m) => m.name === "account_tenure")).toBe(false);
      // Loading the other project after it changed nothing in acme's.
      expect(acme.project.catalog.metrics.has("avg_tenure_months")).toBe(true);
    } finally {
      other.cleanup();
    }
  });
});
