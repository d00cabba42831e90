import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { InputError, UsageError } from "../../core/errors.ts";
import { PACKAGE_ROOT } from "../../core/declared.ts";
import { info } from "../../core/log.ts";
import type { Command } from "../command.ts";

/** The files of a new project: each folder with one small worked example that builds on the sample. */
function projectFiles(name: string, packagePath: string): Record<string, string> {
  return {
    "bellwether.config.ts": `import { defineConfig } from "bellwether";

// Every key has a default; see bellwether's README ("Configuration") for the rest.
export default defineConfig({
  warehouse: "./warehouse.duckdb",
  site: { outDir: "./site" },
});
`,
    "models/account_tenure.sql": `-- One row per account and month it pays: how many months it has paid so far, this one included.
-- @column account_id: the account (marts.accounts)
-- @column month_index: the month as months since year 0 (marts.months has its dates)
-- @column month: the month's first day
-- @column tenure_months: months the account has paid up to and including this one
-- @test unique(account_id, month_index)
-- @test expression(tenure_months >= 1)
SELECT
  am.account_id,
  am.month_index,
  am.month,
  CAST(count(*) OVER (PARTITION BY am.account_id ORDER BY am.month_index ROWS UNBOUNDED PRECEDING) AS INTEGER) AS tenure_months
FROM marts.account_months AS am
WHERE am.arr > 0
`,
    "metrics/tenure.ts": `import { defineMetric } from "bellwether";

/** A metric over the project's own model: the same validation and compiler as the built-in ones. */
export const averageTenure = defineMetric({
  name: "avg_tenure_months",
  label: "Average tenure (months)",
  description: "Mean months paid so far, over the accounts paying at the period's end.",
  formula: "avg_accounts tenure_months(t)",
  format: "ratio",
  unit: "months",
  type: "snapshot",
  table: "account_tenure",
  agg: "avg",
  measure: "am.tenure_months",
});
`,
    "pages/tenure.ts": `import { definePage, lines } from "bellwether";

/** A page of the site: tiles, a chart and a table of the project's metric beside built-in ones. */
export default definePage({
  file: "tenure.html",
  nav: "Tenure",
  title: "Customer tenure",
  intro: "How long paying customers have paid, by segment, at each fiscal quarter end.",
  tiles: { metrics: ["avg_tenure_months", "customers"], query: { grain: "quarter" } },
  sections: [
    {
      title: "By segment",
      blocks: [
        {
          kind: "chart",
          id: "tenure-by-segment",
          title: "Average tenure by segment, each quarter end",
          description: "Lines: mean months paid so far of the accounts paying at each fiscal quarter end, per segment.",
          query: { metrics: ["avg_tenure_months"], by: ["segment"], grain: "quarter" },
          plot: (rows, context) => lines(rows, { y: "avg_tenure_months", by: "segment", format: "ratio", label: "Months" }, context),
        },
        {
          kind: "metric_table",
          id: "tenure-table",
          title: "Tenure and customers by segment, last four quarters",
          description: "Average tenure and paying customers by segment at each of the last four fiscal quarter ends.",
          query: { metrics: ["avg_tenure_months", "customers"], by: ["segment"], grain: "quarter" },
          last: 4,
        },
      ],
    },
  ],
});
`,
    "mappings/billing_export/mapping.json": `${JSON.stringify(
      {
        format: "billing_export",
        vendor: "Our billing system",
        lander: "a nightly CSV export",
        description: "Customers from the billing system's customers.csv: id, company, employees and the account manager.",
        inputs: { customers: { files: ["customers"], required: ["customer_id", "company"], optional: ["employees", "manager"] } },
        outputs: {
          crm_accounts: {
            from: "customers",
            columns: {
              account_id: "customer_id",
              name: "trim(company)",
              employee_count: "employees",
              owner_csm: "nullif(trim(manager), '')",
            },
          },
        },
      },
      null,
      2,
    )}\n`,
    "alerts/long_customer_red.sql": `-- A customer of two years or more turned red this month: an old relationship at risk.
-- One row per subject (here an account) with account_id, value_now, value_before and a detail; $1 is the month evaluated.
-- @severity high
SELECT h.account_id AS subject, h.account_id,
  CAST(h.score AS DOUBLE PRECISION) AS value_now, CAST(prev.score AS DOUBLE PRECISION) AS value_before,
  'red after ' || CAST(t.tenure_months AS VARCHAR) || ' months as a customer' AS detail
FROM marts.health_scores AS h
JOIN marts.account_tenure AS t ON t.account_id = h.account_id AND t.month_index = h.month_index
LEFT JOIN marts.health_scores AS prev ON prev.account_id = h.account_id AND prev.month_index = h.month_index - 1
WHERE h.month_index = $1 AND h.is_red AND (prev.is_red IS NULL OR NOT prev.is_red) AND t.tenure_months >= 24
`,
    "exports/.gitkeep": "",
    ".gitignore": "warehouse.duckdb\nwarehouse.duckdb.*\nsite/\n.bellwether/\nnode_modules/\nexports/*\n!exports/.gitkeep\n",
    "package.json": `${JSON.stringify(
      { name, private: true, type: "module", dependencies: { bellwether: `file:${packagePath}` } },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "bundler",
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          skipLibCheck: true,
        },
        include: ["bellwether.config.ts", "metrics", "pages", "mappings"],
      },
      null,
      2,
    )}\n`,
    "README.md": `# ${name}

A Bellwether project: Bellwether's models, metrics, pages, mappings and alert rules, with this folder's
joined to them. Run every command here (\`npx bellwether build --sample\`, \`npx bellwether query …\`).

| folder | what goes there |
|---|---|
| \`bellwether.config.ts\` | the config (\`defineConfig\`): warehouse, sources, targets, alerts, schedules |
| \`models/\` | SQL models, one SELECT per file, named for what one row is; files here and in \`models/marts/\` are marts, \`models/staging/\` staging. Header lines: what a row is, \`-- @column name: meaning\` (the warehouse's column comments), \`-- @test …\` data tests |
| \`metrics/\` | \`defineMetric\` and \`defineDimension\` exports: they join the catalog (\`bellwether metrics\`, \`query\`, pages) |
| \`pages/\` | \`definePage\` exports: they join the site and its navigation |
| \`mappings/\` | one folder per vendor format with a \`mapping.json\` (or \`mapping.ts\` with \`defineMapping\`): read an \`exports/<format>/\` folder or \`bellwether ingest --format <format>\` |
| \`alerts/\` | alert rules as SQL, one per file (\`-- @severity high\`; \`$1\` is the month evaluated) |
| \`exports/\` | your input files: the CRM, billing, support, survey and usage exports Bellwether lands (\`npx bellwether build --sources ./exports\`, or \`sources: "./exports"\` in the config; a vendor's own folder inside, e.g. \`exports/stripe/\`); not committed |

A name Bellwether already uses (a model \`marts.account_months\`, a metric \`nrr\`, a page \`board.html\`,
a format \`stripe\`, a rule \`turned_red\`) must say it takes its place: \`replaces: "nrr"\` in a definition,
\`-- @replaces marts.account_months\` in SQL, \`"replaces": "stripe"\` in a mapping. Otherwise the build
stops and names both files.
`,
  };
}

export const initCommand: Command = {
  name: "init",
  summary: "make a project folder of your own models, metrics, pages, mappings and alert rules",
  usage: "bellwether init DIR",
  description:
    'Writes a project folder: bellwether.config.ts, models/, metrics/, pages/, mappings/, alerts/ and exports/, each with a small worked example that builds on the sample (a model of account tenure, a metric over it, a page showing it, a mapping of a billing export, an alert rule), a .gitignore and a README of what goes where. Commands run in that folder load its files beside Bellwether\'s own. DIR must be new or empty. The folder links this Bellwether (node_modules/bellwether) so its files import from "bellwether" with types in an editor.',
  positionals: "one-or-more",
  options: {},
  examples: ["bellwether init acme-retention && cd acme-retention && npx bellwether build --sample"],
  async run({ positionals }) {
    const [target, ...rest] = positionals;
    if (!target || rest.length) throw new UsageError("init takes one folder\nSee: bellwether init --help");
    const dir = resolve(target);
    if (existsSync(dir) && !statSync(dir).isDirectory())
      throw new InputError(`${target}: is a file; init writes a project into a new or empty folder`);
    if (existsSync(dir) && readdirSync(dir).length > 0)
      throw new InputError(`${target}: not empty; init writes into a new or empty folder`);
    const files = projectFiles(basename(dir), relative(dir, PACKAGE_ROOT) || ".");
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    // What `npm install` would make of the file: dependency, made here without the network.
    mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
    symlinkSync(PACKAGE_ROOT, join(dir, "node_modules", "bellwether"), "dir");
    symlinkSync(join("..", "bellwether", "bin", "bellwether.js"), join(dir, "node_modules", ".bin", "bellwether"));
    info(`Project: ${dir}`);
    for (const file of Object.keys(files).sort()) info(`  ${file}`);
    info(`Next: cd ${target} && npx bellwether build --sample`);
    return 0;
  },
};
