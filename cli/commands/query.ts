import { writeFileSync } from "node:fs";
import { InputError, UsageError } from "../../core/errors.ts";
import { formatChange, formatValue, groupLabel } from "../../core/format.ts";
import { printable } from "../../core/log.ts";
import { openWarehouseForReading } from "../../core/open-warehouse.ts";
import { isPostgresUrl } from "../../core/postgres-warehouse.ts";
import { type Warehouse } from "../../core/warehouse.ts";
import { dialects, type EngineName, ENGINES } from "../../engines/index.ts";
import { type Catalog, catalog } from "../../metrics/catalog.ts";
import { type Comparison, GRAINS, type Grain, type MetricQuery } from "../../metrics/compile.ts";
import { compileQuery, exportParquet, type QueryResult, query, toCsv } from "../../metrics/query.ts";
import { closeValues, dimensionValues } from "../../metrics/values.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";
import { asOfOption, list, outFile, repeated, waitOption, waitSeconds, wholeNumber } from "./flags.ts";

const FORMATS = ["table", "csv", "json", "parquet"] as const;

export const queryCommand: Command = {
  name: "query",
  summary: "compute metrics by period and dimension",
  usage:
    "bellwether query METRIC[,METRIC...] [--by DIM[,DIM]] [--grain month|quarter|year] [--from DATE] [--to DATE] [--window MONTHS] [--where DIM=VALUE ...] [--compare previous|year] [--accounts] [--format table|csv|json|parquet] [--out FILE] [--sql]",
  description: `Computes metrics from the warehouse's marts through the metrics catalog: one row per period (the ISO date of its last day) and per value of each --by dimension. Quarters and years are fiscal (config fiscalYearStartMonth); a quarter or year not over yet ends on the last month of data and covers its months so far (year to date: sums from the fiscal year's start, opening figures at the previous year end). Retention metrics (nrr, grr, logo_retention, logo_churn) look back --window months (default 12) and group each account by its dimension at the window start. --format json prints one JSON array with keys period, each dimension and each metric; money is in the reporting currency, ratios are fractions (1.07, not 107%), and a metric that is undefined (an empty base) is null. --sql prints the compiled SQL and its parameters instead of running it, for the warehouse's engine or the one --dialect names (snowflake and bigquery SQL is what Bellwether would run there).
Metrics: ${[...catalog().metrics.keys()].join(", ")}. Dimensions: ${[...catalog().dimensions.keys()].join(", ")}.`,
  positionals: "one-or-more",
  options: {
    "as-of": {
      ...asOfOption["as-of"],
      description:
        "the day the figures are as of (YYYY-MM-DD): must be the warehouse's own as-of date, since every window ends on it; another day is refused with the build command that makes a warehouse as of it",
    },
    by: { type: "string", multiple: true, placeholder: "DIM[,DIM]", description: "group by these dimensions" },
    grain: { type: "string", placeholder: "GRAIN", description: "month, quarter or year (default month)" },
    from: { type: "string", placeholder: "DATE", description: "first period end to include (YYYY-MM-DD)" },
    to: { type: "string", placeholder: "DATE", description: "last period end to include (YYYY-MM-DD)" },
    window: { type: "string", placeholder: "MONTHS", description: "retention window in months (default 12)" },
    where: {
      type: "string",
      multiple: true,
      placeholder: "DIM=VALUE",
      description:
        "keep rows whose dimension has this value; repeat it: values of one dimension are OR'd, dimensions AND'd (a value may hold commas)",
    },
    compare: {
      type: "string",
      placeholder: "WITH",
      description:
        "previous (the period before) or year (the same period a year before): adds METRIC_compare and METRIC_change (points for a rate, an amount for money); a period the as-of cuts compares with the same months of the other",
    },
    accounts: {
      type: "boolean",
      description:
        "the accounts behind each figure: a row per account and period with what it adds (a ratio's numerator and denominator), adding up to the figure",
    },
    format: { type: "string", placeholder: "FORMAT", description: "table (default), csv, json or parquet (parquet needs --out)" },
    out: { type: "string", placeholder: "FILE", description: "write to FILE instead of stdout" },
    sql: { type: "boolean", description: "print the compiled SQL and parameters; do not run" },
    dialect: {
      type: "string",
      placeholder: "ENGINE",
      description: `with --sql: the SQL for this engine (${ENGINES.join(", ")}; default the warehouse's)`,
    },
    ...waitOption,
  },
  examples: [
    "bellwether query nrr,grr,logo_churn --by segment --grain quarter --format json",
    "bellwether query arr --grain year --where segment=Enterprise",
    'bellwether query arr --where segment=SMB --where segment=Mid-Market --where "owner_csm=Kowalski, Alex"',
    "bellwether query nrr --window 6 --from 2025-01-01 --format csv --out nrr.csv",
    "bellwether query arr,nrr --grain quarter --compare previous",
    "bellwether query new_arr,churned_arr --grain year --compare year --by segment",
    "bellwether query nrr,churned_arr --grain quarter --from 2026-09-30 --accounts",
    "bellwether query arr,new_arr,churned_arr --by plan --grain quarter --format parquet --out bridge.parquet",
    "bellwether query nrr,grr --by segment --grain quarter --sql --dialect snowflake",
    "bellwether query nrr,grr --by segment --grain quarter --warehouse postgres://me@localhost/cs?schema=bellwether",
  ],
  async run({ values, positionals, config: loadConfig }) {
    const metrics = list(positionals);
    if (metrics.length === 0) throw new UsageError("name at least one metric, e.g. bellwether query nrr\nSee: bellwether query --help");
    const format = (values.format as string | undefined) ?? "table";
    if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    }
    const grain = (values.grain as string | undefined) ?? "month";
    if (!GRAINS.includes(grain as Grain)) throw new UsageError(`--grain must be one of ${GRAINS.join(", ")}, got "${grain}"`);
    const where: Record<string, string[]> = {};
    for (const item of repeated(values.where)) {
      const at = item.indexOf("=");
      if (at <= 0) throw new UsageError(`--where takes DIM=VALUE, got "${item}"`);
      const dimension = item.slice(0, at).trim();
      where[dimension] = [...(where[dimension] ?? []), item.slice(at + 1)];
    }
    const out = outFile(values.out);
    const asOf = values["as-of"] as string | undefined;
    const request: MetricQuery = {
      metrics,
      by: [...new Set(list(values.by))],
      grain: grain as Grain,
      from: values.from as string | undefined,
      // --as-of names the day the warehouse was built as of (checked against it): its months run to that day.
      to: values.to as string | undefined,
      where,
      window: values.window === undefined ? undefined : wholeNumber("window", values.window, 1, 600),
      compare: values.compare as Comparison | undefined,
      accounts: values.accounts === true,
    };
    const config = await loadConfig();
    if (values.sql) {
      const engine = typeof values.dialect === "string" ? values.dialect : isPostgresUrl(config.warehouse) ? "postgres" : "duckdb";
      if (!(ENGINES as readonly string[]).includes(engine))
        throw new UsageError(`--dialect must be one of ${ENGINES.join(", ")}, got "${engine}"`);
      const dialect = dialects[engine as EngineName];
      const compiled = compileQuery(request, {
        catalog: config.project.catalog,
        defaultWindow: config.retentionWindowMonths,
        dialect,
      });
      process.stdout.write(`${compiled.sql}\n-- parameters: ${JSON.stringify(compiled.parameters)}\n`);
      return 0;
    }
    const db = await openWarehouseForReading(config, waitSeconds(values));
    try {
      if (!(await db.tableExists("marts", "account_months"))) {
        throw new InputError(`${db.path}: no marts in this warehouse yet; run \`bellwether build\` first`);
      }
      if (format === "parquet") {
        if (!out) throw new UsageError("--format parquet writes a file: give --out FILE");
        await checkAgainstData(db, request, config.project.catalog, asOf);
        const compiled = compileQuery(request, {
          catalog: config.project.catalog,
          defaultWindow: config.retentionWindowMonths,
          dialect: db.dialect,
        });
        await exportParquet(db, compiled, out);
        return 0;
      }
      await checkAgainstData(db, request, config.project.catalog, asOf);
      const result = await query(db, config, request);
      const text = render(result, format as "table" | "csv" | "json", config.reportingCurrency);
      // A file holds the data as it is; the terminal shows a control character in a name, never obeys it.
      if (out) writeFileSync(out, text);
      else process.stdout.write(printable(text));
      return 0;
    } finally {
      await db.close();
    }
  },
};

/**
 * A filter that matches nothing, or a span with no period in it, is a mistake to say out loud (exit 1)
 * rather than an empty table: name the values there are, or the span the data covers.
 */
async function checkAgainstData(db: Warehouse, request: MetricQuery, known: Catalog, asOf?: string): Promise<void> {
  if (asOf && (await db.tableExists("marts", "as_of"))) {
    const built = (await db.one<{ d: string | null }>("SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS d FROM marts.as_of"))?.d;
    if (built && asOf > built) {
      throw new InputError(`--as-of ${asOf} is after this warehouse's as-of date, ${built}: build with --as-of ${asOf} to report that far`);
    }
    // Figures as of an earlier day are not this warehouse's periods cut short: the month to date, the
    // 30-day windows, the renewal outcomes known and the backtests all end on the as-of day. Say so.
    if (built && asOf < built) {
      throw new InputError(
        `--as-of ${asOf} is before this warehouse's as-of date, ${built}: its figures are as of ${built}. ` +
          `For figures as of ${asOf}, build a warehouse as of that day beside this one:\n` +
          `  bellwether build --sources DIR --as-of ${asOf} --warehouse ./as-of-${asOf}.duckdb --site ./site-as-of-${asOf}\n` +
          `  bellwether query ${request.metrics.join(",")} --warehouse ./as-of-${asOf}.duckdb`,
      );
    }
  }
  const span = await db.one<{ first: string | null; last: string | null }>(
    "SELECT {{ format_time(min(month_end), '%Y-%m-%d') }} AS first, {{ format_time(max(month_end), '%Y-%m-%d') }} AS last FROM marts.months",
  );
  const covers = span?.first ? `the data runs from ${span.first} to ${span.last}` : "the warehouse has no months of data yet";
  const { from, to } = request;
  if (from && to && from > to) throw new InputError(`--from ${from} is after --to ${to} (${covers})`);
  if (from && span?.last && from > span.last) throw new InputError(`no period ends on or after --from ${from}: ${covers}`);
  if (to && span?.first && to < span.first) throw new InputError(`no period ends on or before --to ${to}: ${covers}`);
  for (const [name, wanted] of Object.entries(request.where ?? {})) {
    const dimension = known.dimensions.get(name);
    if (!dimension) continue; // the compiler refuses it, with the closest name
    const values = (await dimensionValues(db, known, dimension)).flatMap((v) => (v.value === null ? [] : [v.value]));
    const missing = (typeof wanted === "string" ? [wanted] : wanted).filter((v) => !values.includes(v));
    if (missing.length === 0) continue;
    const lines = missing.map((v) => {
      const close = closeValues(v, values);
      return `--where ${name}=${v} matches no value of ${name}${close.length ? `; did you mean ${close.map((c) => `"${c}"`).join(" or ")}?` : ""}`;
    });
    const list = values.length > 12 ? `${values.slice(0, 12).join(", ")}, …` : values.join(", ");
    throw new InputError(`${lines.join("\n")}\n(values of ${name}: ${list || "none"}; all of them: bellwether values ${name})`);
  }
}

function render(result: QueryResult, format: "table" | "csv" | "json", currency: string): string {
  if (format === "json") return `${JSON.stringify(result.rows, null, 2)}\n`;
  if (format === "csv") return toCsv(result);
  const headers = result.columns.map((c) => c.name);
  const rows = result.rows.map((row) =>
    result.columns.map((c) =>
      c.of?.kind === "change"
        ? formatChange(row[c.name] as number | null, row[`${c.of.metric}_compare`] as number | null, c.format ?? "ratio", { currency })
        : c.role === "metric"
          ? formatValue(row[c.name] as number | null, c.format ?? "ratio", { currency })
          : c.role === "dimension"
            ? groupLabel(row[c.name])
            : String(row[c.name]),
    ),
  );
  return `${renderTable(headers, rows)}\n`;
}
