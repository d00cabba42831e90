import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import parser from "node-sql-parser";
import { describe, expect, it } from "vitest";
import { HEALTH_INPUTS } from "../models/scorecard.ts";
import { type Dialect, dialects, renderSql } from "../engines/index.ts";
import { assembleProject } from "../project/project.ts";
import { compileMetricQuery, type MetricQuery } from "../metrics/compile.ts";
import { modelSql, readModels } from "../models/model.ts";
import { ROOT, tempDir } from "./helpers.ts";

/** The built-in catalog as a project has it: with the marts its models keep to one row per account and month. */
const catalog = () => assembleProject().catalog;

// Issue 14: SQL is written once, for every engine. Portable files may not use one engine's syntax;
// each engine's rendering is checked (PostgreSQL runs for real in postgres.test.ts; Snowflake and
// BigQuery against golden files read by a person, and a parser for that dialect).

/** Syntax one engine has and another lacks (or reads differently), as a portable file must not write it. */
const ENGINE_ONLY: [RegExp, string][] = [
  [/GROUP BY ALL/i, "GROUP BY ALL (PostgreSQL has none): list the columns"],
  [/::/, "`::` casts (not BigQuery's): CAST(x AS …) or {{ float(x) }}"],
  [/\b(year|month|day)\s*\(/i, "year()/month()/day(): {{ month_index(d) }}, {{ day_of_month(d) }}"],
  [/\barg_(max|min)\b|\bmax_by\b|\bmin_by\b/i, "arg_max/arg_min: {{ first_by(value, order…) }}, which states its ties"],
  [/\bdate_?diff\b/i, "date_diff: {{ days_between(a, b) }}"],
  [/\/\//, "`//` integer division: {{ int_divide(a, b) }}"],
  [/\b(range|generate_series)\s*\(/i, "range(): {{ series(alias, column, from, to) }}"],
  [/\bEXCLUDE\b|\bEXCEPT\s*\(/i, "SELECT * EXCLUDE: list the columns"],
  [/\bUNPIVOT\b|\bCOLUMNS\s*\(/i, "UNPIVOT / COLUMNS(*): a CASE per column"],
  [/\b(median|quantile_cont|quantile|percentile_cont|approx_quantiles)\s*\(/i, "median/quantile: {{ median(x) }}, {{ quantile(x, q) }}"],
  [
    /\b(last_day|make_date|to_months|date_trunc|date_add|dateadd)\s*\(/i,
    "date functions: {{ month_start }}, {{ month_end }}, {{ add_months }}, {{ add_days }}",
  ],
  [/\bany_value\s*\(/i, "any_value (not PostgreSQL 15's): min() of the one value"],
  [/\bFILTER\s*\(\s*WHERE/i, "aggregate FILTER (not Snowflake's or BigQuery's): the aggregate of a CASE"],
  [/\bINTERVAL\b/i, "INTERVAL literals differ: {{ add_days(d, n) }}"],
  [/\bepoch\s*\(/i, "epoch(): {{ hours_between(a, b) }}"],
  [/\b(HUGEINT|DOUBLE|FLOAT64|BIGNUMERIC|NUMERIC)\b/i, "engine type names: {{ float(x) }}, {{ decimal(p, s) }}"],
  [/\bfirst\s*\(|\blast\s*\(/i, "first()/last(): {{ first_by(value, order…) }}"],
  [/\b(string_agg|listagg|array_agg)\s*\(/i, "string/array aggregates: {{ string_agg(value, sep, order…) }}"],
  [/infinity/i, "'infinity': an open band is a null bound, tested with IS NULL"],
  [/\bQUALIFY\b/i, "QUALIFY (not PostgreSQL's): filter a row_number() in an outer query"],
  [/\bstrftime\s*\(|\bto_char\s*\(/i, "date formatting: {{ format_time(x, pattern) }}"],
  [/\b(bool_or|boolor_agg|logical_or)\s*\(/i, "{{ bool_or(x) }}"],
  [/\bWINDOW\s+\w+\s+AS\b/i, "named WINDOW clauses (not Snowflake's): write the window inline"],
  [/\bCREATE\s+OR\s+REPLACE\b/i, "CREATE OR REPLACE TABLE (not PostgreSQL's)"],
  [/\btry_cast\s*\(/i, "TRY_CAST (not PostgreSQL's)"],
  [/(?<!\{\{)\s\/\s|[\w)]\/[\w(]/, "bare `/`: integer division truncates on PostgreSQL; {{ divide(a, b) }}"],
];

/** SQL with comments gone and helper names dropped (their arguments stay, and are checked too). */
const checkable = (sql: string) =>
  sql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .replace(/\{\{\s*[a-z_]+\(/g, "{{(");

const violations = (sql: string): string[] => {
  const text = checkable(sql);
  return ENGINE_ONLY.filter(([pattern]) => pattern.test(text)).map(([, why]) => why);
};

describe("the portable-SQL lint", () => {
  it("refuses each engine-only construct it knows, and passes the same thing written with helpers", () => {
    expect(violations("SELECT a, sum(x) FROM t GROUP BY ALL")).toEqual(["GROUP BY ALL (PostgreSQL has none): list the columns"]);
    expect(violations("SELECT count(*) FILTER (WHERE ok) / count(*) FROM t")).toEqual([
      "aggregate FILTER (not Snowflake's or BigQuery's): the aggregate of a CASE",
      "bare `/`: integer division truncates on PostgreSQL; {{ divide(a, b) }}",
    ]);
    expect(violations("SELECT x::DOUBLE, arg_max(a, b), median(c) FROM t")).toHaveLength(4);
    expect(
      violations("SELECT {{ divide(count(CASE WHEN ok THEN 1 END), count(*)) }}, {{ median(c) }}, {{ first_by(a, b DESC) }} FROM t"),
    ).toEqual([]);
  });

  it("finds none in the portable model files", () => {
    const found = readModels().flatMap((m) => violations(m.sql).map((why) => `${m.file}: ${why}`));
    expect(found).toEqual([]);
  });

  it("finds none in the SQL the metric types and definitions write", () => {
    const dir = join(ROOT, "metrics", "types");
    const found: string[] = [];
    for (const file of readdirSync(dir)) {
      // The SQL in a metric type is in its string and template literals.
      const code = readFileSync(join(dir, file), "utf8").replace(/^import .*$/gm, ""); // a module path is no SQL
      const literals = code.match(/`[^`]*`|"[^"\n]*"/g) ?? [];
      for (const literal of literals)
        for (const why of violations(literal.slice(1, -1).replace(/\$\{[^}]*\}/g, "x"))) found.push(`${file}: ${why}`);
    }
    // The SQL fragments a definition may hold (derived expressions are checked below).
    const SQL_KEYS = ["measure", "filter", "score", "outcome", "duration", "event"];
    for (const metric of catalog().metrics.values()) {
      const fields = metric as unknown as Record<string, unknown>;
      const latest = fields.latest as { per: string; by: string } | undefined;
      const parts = [...SQL_KEYS.map((key) => fields[key]), latest?.per, latest?.by].filter((p): p is string => typeof p === "string");
      for (const part of parts) for (const why of violations(part)) found.push(`${metric.name}: ${why}`);
    }
    expect(found).toEqual([]);
  });

  it("lets a derived metric divide only by nullif(…, 0) or a number not 0: PostgreSQL stops at a division by zero", () => {
    const unguarded = [...catalog().metrics.values()]
      .filter((m) => m.type === "derived" && /\/(?!\s*(nullif\(|[1-9][0-9]*\b))/.test(m.expression))
      .map((m) => m.name);
    expect(unguarded).toEqual([]);
  });

  it("scores every health input the scorecard names (one WHEN per column of health_inputs)", () => {
    const sql = readModels().find((m) => m.id === "marts.health_measure_scores")?.sql ?? "";
    expect(HEALTH_INPUTS.filter((input) => !sql.includes(`WHEN '${input}' THEN i.${input}`))).toEqual([]);
  });
});

describe("an engine-specific model", () => {
  it("sits beside the portable one as <name>.<engine>.sql and stands in for it on that engine only", () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, "staging"));
      mkdirSync(join(dir, "marts"));
      writeFileSync(join(dir, "marts", "spans.sql"), "-- One row per span.\nSELECT {{ days_between(a, b) }} AS days FROM staging.x\n");
      writeFileSync(join(dir, "marts", "spans.postgres.sql"), "-- One row per span (PostgreSQL).\nSELECT b - a AS days FROM staging.x\n");
      const models = readModels(dir);
      expect(models.map((m) => m.id)).toEqual(["marts.spans"]);
      const [model] = models;
      if (!model) throw new Error("no model");
      expect(modelSql(model, dialects.postgres)).toBe("SELECT b - a AS days FROM staging.x");
      expect(modelSql(model, dialects.duckdb)).toBe("SELECT date_diff('day', a, b) AS days FROM staging.x");
      expect(model.inputs).toEqual(["staging.x"]);
    } finally {
      cleanup();
    }
  });
});

describe("helpers", () => {
  it("render per engine, nested, and say what is wrong with a bad call", () => {
    const sql = "SELECT {{ divide(count(*), {{ day_of_month(d) }}) }}";
    expect(renderSql(sql, dialects.duckdb)).toBe("SELECT (CAST(count(*) AS DOUBLE) / (day(d)))");
    expect(renderSql(sql, dialects.postgres)).toBe("SELECT (CAST(count(*) AS double precision) / (CAST(extract(day FROM d) AS integer)))");
    expect(renderSql(sql, dialects.bigquery)).toBe("SELECT (CAST(count(*) AS FLOAT64) / (EXTRACT(DAY FROM d)))");
    expect(() => renderSql("{{ months_between(a, b) }}", dialects.duckdb, "x.sql")).toThrow(/x.sql: unknown SQL helper "months_between"/);
    expect(() => renderSql("{{ divide(a) }}", dialects.duckdb, "x.sql")).toThrow("x.sql: {{ divide(…) }} takes 2 arguments, got 1");
    expect(() => renderSql("{{ first_by(a) }}", dialects.duckdb, "x.sql")).toThrow("takes 2 or more arguments");
    expect(() => renderSql("SELECT {{ divide(a, b)", dialects.duckdb, "x.sql")).toThrow(/never closed/);
  });

  it("keep commas inside strings and parentheses within one argument", () => {
    expect(renderSql("{{ string_agg(coalesce(a, 'x, y'), '; ', a, b DESC) }}", dialects.postgres)).toBe(
      "string_agg(coalesce(a, 'x, y'), '; ' ORDER BY a, b DESC)",
    );
  });

  it("format dates with each engine's words, letters outside the pattern quoted", () => {
    expect(renderSql("{{ format_time(t, '%Y-%m-%dT%H:%M:%S.%gZ') }}", dialects.postgres)).toBe(
      `to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    );
    expect(renderSql("{{ format_time(t, '%Y-%m') }}", dialects.snowflake)).toBe("TO_CHAR(t, 'YYYY-MM')");
  });
});

/** The metric queries whose SQL is kept, per engine, as golden files: every metric type, grouped and filtered, every grain. */
const GOLDEN_QUERIES: Record<string, MetricQuery> = {
  "retention-by-segment-quarter": { metrics: ["nrr", "grr", "logo_churn"], by: ["segment"], grain: "quarter" },
  "arr-month": { metrics: ["arr", "customers", "arpa", "arr_growth"] },
  "movements-by-plan-year": { metrics: ["new_arr", "expansion_arr", "churned_arr", "quick_ratio"], by: ["plan"], grain: "year" },
  "nps-filtered": { metrics: ["nps", "tickets"], where: { segment: ["SMB", "Mid-Market"] }, grain: "quarter" },
  "ttv-quantiles-year": { metrics: ["ttv_km_median_days", "ttv_median_days", "first_response_hours_p75"], grain: "year" },
  "health-auc-year": { metrics: ["health_auc", "health_score_avg"], by: ["health_band"], grain: "year" },
  "cost-by-cost-center": { metrics: ["retention_cost", "cost_to_retain"], by: ["cost_center"], grain: "year" },
};

const PARSERS = { snowflake: "snowflake", bigquery: "bigquery" } as const;

/**
 * What node-sql-parser's grammar cannot read though the engine can (checked against the engine's
 * documentation): each model or query it rejects must be here, with the construct that trips it.
 */
const PARSER_GAPS: Record<keyof typeof PARSERS, Record<string, string>> = {
  snowflake: {
    "marts.account_months": "ARRAY_AGG(…) WITHIN GROUP (ORDER BY …)",
    "marts.accounts": "ARRAY_AGG(…) WITHIN GROUP (ORDER BY …)",
    "marts.arr_movements": "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING",
    "marts.health_churn_leads": "ARRAY_AGG(…) WITHIN GROUP (ORDER BY …)",
    "marts.health_inputs": "ARRAY_AGG(…) WITHIN GROUP (ORDER BY …)",
    "marts.health_scores": "ARRAY_AGG(…) WITHIN GROUP (ORDER BY …)",
    "retention-by-segment-quarter": "IS NOT DISTINCT FROM",
    "movements-by-plan-year": "IS NOT DISTINCT FROM",
    "health-auc-year": "IS NOT DISTINCT FROM",
    "cost-by-cost-center": "IS NOT DISTINCT FROM",
  },
  bigquery: {
    "marts.account_months": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.account_risk": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.as_of": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.health_inputs": "ARRAY_AGG(STRUCT(…) ORDER BY … LIMIT 1)[OFFSET(0)]",
    "marts.health_scores": "ARRAY_AGG(STRUCT(…) ORDER BY … LIMIT 1)[OFFSET(0)]",
    "marts.lines_without_fx": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.loss_rates": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.renewal_forecasts": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.renewals": "NUMERIC(18, 2) in CAST (parameterized types)",
    "marts.subscription_lines": "BIGNUMERIC(38, 10) in CAST",
    // kysely quotes every name; BigQuery needs it for some (GROUPS is reserved) and reads it everywhere.
    ...Object.fromEntries(Object.keys(GOLDEN_QUERIES).map((name) => [name, "WITH `name` AS (a quoted CTE name)"])),
  },
};

const goldenDir = (engine: string) => join(ROOT, "test", "golden", engine);

/** Compares with the golden file (UPDATE_GOLDEN=1 writes it instead, to be read and committed by a person). */
function golden(engine: string, name: string, sql: string): void {
  const file = join(goldenDir(engine), `${name}.sql`);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(goldenDir(engine), { recursive: true });
    writeFileSync(file, `${sql}\n`);
  }
  expect(existsSync(file), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/dialects.test.ts and review it`).toBe(true);
  expect(`${sql}\n`).toBe(readFileSync(file, "utf8"));
}

describe.each(["snowflake", "bigquery"] as const)("%s", (engine) => {
  const dialect: Dialect = dialects[engine];
  const parse = (sql: string) => new parser.Parser().astify(sql, { database: PARSERS[engine] });
  const rendered: Record<string, string> = {
    ...Object.fromEntries(readModels().map((m) => [m.id, modelSql(m, dialect)])),
    ...Object.fromEntries(
      Object.entries(GOLDEN_QUERIES).map(([name, q]) => [
        name,
        compileMetricQuery(q, { catalog: catalog(), defaultWindow: 12, dialect }).sql,
      ]),
    ),
  };

  it("renders every model and metric query as its golden file", () => {
    for (const [name, sql] of Object.entries(rendered)) {
      expect(sql).not.toContain("{{");
      golden(engine, name, sql);
    }
  });

  it("writes SQL the dialect's parser reads, but for the parser's known gaps", () => {
    const rejected: Record<string, string> = {};
    for (const [name, sql] of Object.entries(rendered)) {
      try {
        parse(sql);
      } catch {
        rejected[name] = PARSER_GAPS[engine][name] ?? "not a known parser gap";
      }
    }
    expect(rejected).toEqual(PARSER_GAPS[engine]);
  });

  it("quotes identifiers and places parameters the engine's way", () => {
    const sql = rendered["nps-filtered"] ?? "";
    if (engine === "bigquery") {
      expect(sql).toContain("from `marts`.`months`");
      expect(sql).toContain("in (@p");
      expect(sql).not.toMatch(/"[a-z_]+"/);
    } else {
      expect(sql).toContain('from "marts"."months"');
      expect(sql).toContain("in (:");
    }
    expect(sql).not.toContain("$1");
  });
});
