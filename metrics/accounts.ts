import { UsageError } from "../core/errors.ts";
import { duckdb } from "../engines/duckdb.ts";
import { renderIdentifiers } from "../engines/dialect.ts";
import type { Catalog } from "./catalog.ts";
import { type CompiledQuery, type CompileOptions, compileMetricQuery, type MetricQuery, type OutputColumn } from "./compile.ts";
import type { MetricDefinition } from "./definition.ts";
import { identifiersOf } from "./expression.ts";
import { type BaseMetric, metricType } from "./types/index.ts";

/** A column of the accounts behind a figure: one part of the metric it belongs to. */
interface Part {
  metric: MetricDefinition;
  role: "value" | "numerator" | "denominator";
  of: string;
}

/**
 * The accounts behind each figure (DESIGN "Dashboards": its accounts): one row per account and period
 * with each metric's contribution — the metric itself for a sum or a count, its numerator and denominator
 * for a ratio, and for a metric computed from others, their parts — so that every column adds up over the
 * accounts to the figure's (or its quotient is the figure). Same grain, filters, window and as-of as
 * the query; an account that adds nothing to any column in a period has no row there.
 */
export function compileAccountsQuery(query: MetricQuery, options: CompileOptions): CompiledQuery {
  if (query.compare) throw new UsageError("--accounts lists what each account adds to a figure; ask for --compare separately");
  if ((query.by ?? []).includes("account")) throw new UsageError("--accounts already has a row per account: leave account out of --by");
  const parts = new Map<string, Part>();
  for (const name of query.metrics)
    for (const part of partsOf(name, options.catalog, name)) if (!parts.has(part.metric.name)) parts.set(part.metric.name, part);
  const extended: Catalog = {
    ...options.catalog,
    metrics: new Map([...options.catalog.metrics, ...[...parts.values()].map((p) => [p.metric.name, p.metric] as const)]),
  };
  const inner = compileMetricQuery(
    { ...query, metrics: [...parts.keys()], by: ["account", ...(query.by ?? [])] },
    { ...options, catalog: extended },
  );
  const dimensions = inner.columns.filter((c) => c.role === "dimension" && c.name !== "account");
  const names = [...parts.keys()];
  // The figures' own SQL, grouped by account as well; only rows where the account adds something.
  const listed = (prefix: string) => [...dimensions.map((d) => d.name), ...names].map((n) => `, ${prefix}"${n}"`).join("");
  const head = `SELECT c.period, c.account, a.name AS account_name${listed("c.")}\nFROM (`;
  const tail = `) AS c
LEFT JOIN marts.accounts AS a ON a.account_id = c.account
WHERE ${names.map((n) => `coalesce(c."${n}", 0) <> 0`).join(" OR ")}
ORDER BY c.period, c.account${dimensions.map((d) => `, c."${d.name}"`).join("")}`;
  const dialect = options.dialect ?? duckdb;
  const sql = `${renderIdentifiers(head, dialect)}${inner.sql}${renderIdentifiers(tail, dialect)}`;
  const metricColumns = inner.columns.filter((c) => c.role === "metric");
  const columns: OutputColumn[] = [
    { name: "period", role: "period", label: "Period" },
    { name: "account", role: "dimension", label: "Account" },
    { name: "account_name", role: "dimension", label: "Name" },
    ...dimensions,
    ...metricColumns.map((c) => {
      const part = parts.get(c.name) as Part;
      return { ...c, of: { metric: part.of, kind: part.role } };
    }),
  ];
  return { sql, parameters: inner.parameters, columns };
}

/** What a metric is made of, as parts that add up over accounts; a metric computed from others, their parts. */
function partsOf(name: string, catalog: Catalog, of: string): Part[] {
  const metric = catalog.metrics.get(name);
  if (!metric) return []; // the compiler names the unknown metric, with the closest one
  if (metric.type === "derived") return identifiersOf(metric.expression).flatMap((n) => partsOf(n, catalog, of));
  if (metric.type === "change")
    throw new UsageError(`metric ${name} is a change between periods: no account adds to it; ask --accounts for ${metric.of}`);
  const parts = metricType(metric as BaseMetric).parts?.(metric as BaseMetric);
  if (!parts) {
    const within = of === name ? "" : ` (in ${of})`;
    if (!metricType(metric as BaseMetric).dimensions(metric as BaseMetric).accounts)
      throw new UsageError(`metric ${name}${within} is not made of accounts' rows: --accounts has no accounts to list for it`);
    const what = "agg" in metric ? `a ${metric.agg}` : `an ${metric.type.replace("_", " ")}`;
    throw new UsageError(
      `metric ${name}${within} is ${what}: its accounts do not add up to it. --accounts takes sums, counts and ratios of them over accounts`,
    );
  }
  if ("value" in parts) return [{ metric: parts.value, role: "value", of }];
  return [
    { metric: parts.numerator, role: "numerator", of },
    { metric: parts.denominator, role: "denominator", of },
  ];
}

/** The columns `--accounts` gives a metric (its parts, by name and role), or undefined when accounts do not add up to it. */
export function accountColumns(name: string, catalog: Catalog): { name: string; role: Part["role"] }[] | undefined {
  try {
    const parts = partsOf(name, catalog, name);
    return parts.length ? parts.map((p) => ({ name: p.metric.name, role: p.role })) : undefined;
  } catch (error) {
    if (error instanceof UsageError) return undefined;
    throw error;
  }
}
