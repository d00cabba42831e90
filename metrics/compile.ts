import { isIsoDate } from "../core/dates.ts";
import { duckdb } from "../engines/duckdb.ts";
import { type Dialect, renderIdentifiers, renderPlaceholders, renderSql } from "../engines/dialect.ts";
import { closest, UsageError } from "../core/errors.ts";
import type { Catalog } from "./catalog.ts";
import type { DimensionDefinition, MetricDefinition } from "./definition.ts";
import { identifiersOf, substituteMetrics } from "./expression.ts";
import { builder, type Db, sameValue, sql } from "./sql.ts";
import type { MetricContext, MetricRows } from "./types/context.ts";
import { withDimensions } from "./types/dimensions.ts";
import { type BaseMetric, metricType } from "./types/index.ts";

/** The months a period covers: a whole one, or the months so far of one not over yet (to date). */
const SPAN_MONTHS: Record<Grain, string> = {
  month: "1",
  quarter: "CASE WHEN is_quarter_end THEN 3 ELSE mod(fiscal_month - 1, 3) + 1 END",
  year: "CASE WHEN is_year_end THEN 12 ELSE fiscal_month END",
};

/** The base (non-derived) metrics needed for these metrics, each once, in first-needed order. */
function baseMetricsOf(metrics: readonly MetricDefinition[], catalog: Catalog): BaseMetric[] {
  const out: BaseMetric[] = [];
  const visit = (metric: MetricDefinition) => {
    if (metric.type === "change") {
      const of = catalog.metrics.get(metric.of);
      if (of) visit(of);
      return;
    }
    if (metric.type !== "derived") {
      if (!out.includes(metric)) out.push(metric);
      return;
    }
    for (const name of identifiersOf(metric.expression)) {
      const dependency = catalog.metrics.get(name);
      if (dependency) visit(dependency);
    }
  };
  for (const metric of metrics) visit(metric);
  return out;
}

export const GRAINS = ["month", "quarter", "year"] as const;
export type Grain = (typeof GRAINS)[number];

/** What a person (or a page) asks for. Every value in it is bound as a parameter. */
export interface MetricQuery {
  metrics: readonly string[];
  by?: readonly string[];
  grain?: Grain;
  /** ISO dates: periods whose last day falls in [from, to]. */
  from?: string;
  to?: string;
  /** Dimension → value(s): values of one dimension are OR'd, dimensions AND'd. A value may hold commas. */
  where?: Readonly<Record<string, string | readonly string[]>>;
  /** Months in the retention window. */
  window?: number;
  /**
   * Adds, for each metric m, `m_compare` (its value over the period before, or the same period a year
   * before) and `m_change` (the difference: points for a rate, an amount for money). A period the as-of
   * cuts compares with the same months of the period before (a quarter's first two with a quarter's first two).
   */
  compare?: Comparison;
  /** The accounts behind each figure instead of the figures (metrics/accounts.ts; through `query`). */
  accounts?: boolean;
}

export const COMPARISONS = ["previous", "year"] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** Months between a period and the one it is compared with. */
const COMPARE_SHIFT: Record<Comparison, Record<Grain, number>> = {
  previous: { month: 1, quarter: 3, year: 12 },
  year: { month: 12, quarter: 12, year: 12 },
};

export interface OutputColumn {
  name: string;
  /** A metric's compared value and change are metric columns too, naming the metric they belong to in `of`. */
  role: "period" | "dimension" | "metric";
  of?: { metric: string; kind: "compare" | "change" | "value" | "numerator" | "denominator" };
  label: string;
  format?: MetricDefinition["format"];
  better?: MetricDefinition["better"];
  unit?: string;
}

export interface CompiledQuery {
  sql: string;
  parameters: readonly unknown[];
  columns: OutputColumn[];
}

export interface CompileOptions {
  catalog: Catalog;
  /** The engine the SQL is for (DuckDB by default). */
  dialect?: Dialect;
  /** Window used when neither the query nor the metric gives one. */
  defaultWindow: number;
}

/**
 * Turns a metric query into one SQL statement: a spine of periods × dimension values, and one CTE per
 * metric built by its type, left-joined onto the spine so that every period and group has a row.
 */
export function compileMetricQuery(query: MetricQuery, { catalog, defaultWindow, dialect = duckdb }: CompileOptions): CompiledQuery {
  const metrics = query.metrics.map((name) => lookup(catalog.metrics, name, "metric"));
  if (metrics.length === 0) throw new UsageError("name at least one metric");
  const by = (query.by ?? []).map((name) => lookup(catalog.dimensions, name, "dimension"));
  const where = Object.entries(query.where ?? {}).map(([name, value]) => ({
    dimension: lookup(catalog.dimensions, name, "dimension"),
    values: [...new Set(typeof value === "string" ? [value] : value)],
  }));
  const grain = query.grain ?? "month";
  if (!GRAINS.includes(grain)) throw new UsageError(`unknown grain "${grain}" (grains: ${GRAINS.join(", ")})`);
  for (const [key, value] of [
    ["from", query.from],
    ["to", query.to],
  ] as const) {
    if (value !== undefined && !isIsoDate(value)) throw new UsageError(`--${key} must be an ISO date (YYYY-MM-DD), got "${value}"`);
  }
  if (query.window !== undefined && (!Number.isInteger(query.window) || query.window < 1)) {
    throw new UsageError(`--window must be a whole number of months, at least 1, got ${query.window}`);
  }
  if (query.compare !== undefined && !COMPARISONS.includes(query.compare))
    throw new UsageError(`--compare must be one of ${COMPARISONS.join(", ")}, got "${query.compare}"`);
  const changes = metrics.find((m) => m.type === "change");
  if (query.compare && changes)
    throw new UsageError(`metric ${changes.name} is itself a change between periods; --compare compares values, so ask for ${changes.of}`);
  const shift = query.compare ? COMPARE_SHIFT[query.compare][grain] : 0;

  const db: Db = builder;
  // Each base metric a requested metric needs is built once; metrics of one type that read the same
  // rows (NRR and GRR over one window) share a CTE: one pass over the mart for all of them.
  const base = baseMetricsOf(metrics, catalog);
  // Renewals to come and the forecast reach past the as-of: their periods run on through the calendar.
  const future = base.some(reachesFuture);
  let ctes = db.with("periods", (qc) => {
    let periods: MetricRows = future
      ? qc.selectFrom("marts.calendar").select(["month_end as period", "month_index", "is_future"])
      : qc.selectFrom("marts.months").select(["month_end as period", "month_index"]);
    periods = periods.select(sql.raw<number>(SPAN_MONTHS[grain]).as("span_months"));
    // A quarter or year not over yet ends at the last month of data, to date: no row is made up
    // past the data. Queries that reach the future have the whole period's row instead, and the
    // period the calendar's horizon cuts ends at its last month.
    const end = grain === "quarter" ? "is_quarter_end" : "is_year_end";
    const last = future ? "month_index = (SELECT max(month_index) FROM marts.calendar)" : "is_as_of_month";
    if (grain !== "month") periods = periods.where(sql.raw<boolean>(`(${end} OR ${last})`));
    if (query.from) periods = periods.where("month_end", ">=", sql<string>`CAST(${query.from} AS DATE)`);
    if (query.to) periods = periods.where("month_end", "<=", sql<string>`CAST(${query.to} AS DATE)`);
    return periods;
  });
  // Metrics of data in a query that reaches the future read each period as it stands at the as-of: a
  // period the as-of cuts is its months so far (like a quarter to date), one after it has no row.
  const lastMonthOfData = "(SELECT max(month_index) FROM marts.months)";
  if (future) {
    ctes = ctes.with("periods_to_date", (qc) =>
      qc
        .selectFrom("periods")
        .select([
          "period",
          sql.raw<number>(`least(month_index, ${lastMonthOfData})`).as("month_index"),
          sql.raw<number>(`span_months - greatest(month_index - ${lastMonthOfData}, 0)`).as("span_months"),
        ])
        .where(sql.raw<boolean>(`month_index - span_months + 1 <= ${lastMonthOfData}`)),
    );
  }
  // The compared periods: each period's label, its last month moved back, the same months covered.
  if (query.compare) {
    for (const [name, from] of future
      ? [
          ["compare_periods", "periods"],
          ["compare_periods_to_date", "periods_to_date"],
        ]
      : [["compare_periods", "periods"]]) {
      ctes = ctes.with(name as string, (qc) =>
        qc.selectFrom(from as string).select(["period", sql.raw<number>(`month_index - ${shift}`).as("month_index"), "span_months"]),
      );
    }
  }
  const windowOf = (metric: BaseMetric) =>
    query.window ?? (metric.type === "window_retention" ? metric.window : undefined) ?? defaultWindow;
  const groups = new Map<string, BaseMetric[]>();
  for (const metric of base) {
    const key = `${metric.type}|${future && !reachesFuture(metric)}|${metricType(metric).shareKey(metric, { db: builder, by, where, window: windowOf(metric) })}`;
    groups.set(key, [...(groups.get(key) ?? []), metric]);
  }
  const shared = [...groups.values()].map((members) => {
    const first = members[0] as BaseMetric;
    const reach = dimensionReach(first, [...by, ...where.map((w) => w.dimension)]);
    const context: MetricContext = {
      db: builder,
      by: by.filter(reach),
      where: where.filter((w) => reach(w.dimension)),
      window: windowOf(first),
      periods: future && !reachesFuture(first) ? "periods_to_date" : "periods",
      accountMonthTables: catalog.accountMonthTables,
    };
    return { members, context };
  });
  shared.forEach(({ members, context }, i) => {
    const first = members[0] as BaseMetric;
    ctes = ctes.with(`m${i}`, (qc) => metricType(first).build(members, { ...context, db: qc as unknown as Db }));
    if (query.compare)
      ctes = ctes.with(`c${i}`, (qc) =>
        metricType(first).build(members, { ...context, periods: `compare_${context.periods ?? "periods"}`, db: qc as unknown as Db }),
      );
  });
  // The groups a row can belong to. With a filter but no grouping it is one row or none, so that a
  // filter matching nothing gives no rows rather than a column of zeros.
  const grouped = by.length > 0 || where.length > 0;
  if (grouped) ctes = ctes.with("groups", (qc) => groupsQuery(qc as unknown as Db, by, where, shared));

  let spine = ctes.selectFrom("periods as p").select("p.period");
  if (grouped) spine = spine.crossJoin("groups as g").select(by.map((d) => `g.${d.name}`));
  const valueOf = new Map<string, string>();
  const compareOf = new Map<string, string>();
  const firstMonthOfData = "(SELECT min(month_index) FROM marts.months)";
  shared.forEach(({ members, context }, i) => {
    for (const alias of query.compare ? [`m${i}`, `c${i}`] : [`m${i}`]) {
      spine = spine.leftJoin(alias, (join) => {
        let on = join.onRef(`${alias}.period`, "=", "p.period");
        // A metric not grouped by a dimension (S by cost centre) has the same value for each of its values.
        for (const d of context.by) on = on.on(sameValue(`${alias}.${d.name}`, `g.${d.name}`));
        return on;
      });
    }
    members.forEach((metric, k) => {
      const empty = metricType(metric).empty(metric);
      /** The metric's value in the CTE `alias`, whose periods end `back` months before the spine's. */
      const valueIn = (alias: string, back: number) => {
        const end = back ? `p.month_index - ${back}` : "p.month_index";
        // In floating point before any derived arithmetic: a ratio of two counts is not integer division on any engine.
        // A group with no rows is empty (0 for a sum); one whose rows hold no value is no data (null, "—").
        let value = `{{ float(${empty === null ? `${alias}.value_${k}` : `CASE WHEN ${alias}.period IS NULL THEN ${empty} ELSE ${alias}.value_${k} END`}) }}`;
        // A trailing window reaching back before the first month of data is unknown, not the sum of the
        // months it has (a 12-month cost to retain from 3 months of costs).
        if ("over" in metric && metric.over === "window") {
          value = `CASE WHEN ${end} - ${context.window} + 1 < ${firstMonthOfData} THEN NULL ELSE ${value} END`;
        }
        // A compared period that ends before the data begins has no value, not an empty one.
        if (back) value = `CASE WHEN ${end} < ${firstMonthOfData} THEN NULL ELSE ${value} END`;
        // ARR or NRR of a period not begun by the as-of is unknown, not 0, and so is what it compares with;
        // one the as-of cuts is to date, and compares with the same months of the period before.
        const beyondData = `p.month_index - p.span_months + 1 > ${lastMonthOfData}`;
        return future && !reachesFuture(metric) ? `CASE WHEN ${beyondData} THEN NULL ELSE ${value} END` : value;
      };
      valueOf.set(metric.name, valueIn(`m${i}`, 0));
      if (query.compare) compareOf.set(metric.name, valueIn(`c${i}`, shift));
    });
  });
  const valueOfMetric = (metric: MetricDefinition, values = valueOf): string => {
    // Definitions are reviewed code; the only names in a derived expression are metrics (checked by the catalog).
    if (metric.type === "derived") {
      return substituteMetrics(metric.expression, (name) => {
        const named = catalog.metrics.get(name);
        return named ? valueOfMetric(named, values) : "NULL";
      });
    }
    if (metric.type === "change") {
      const of = catalog.metrics.get(metric.of);
      const current = of ? valueOfMetric(of) : "NULL";
      const partition = by.length ? `PARTITION BY ${by.map((d) => `g."${d.name}"`).join(", ")} ` : "";
      return `${current} / nullif(lag(${current}) OVER (${partition}ORDER BY p.period), 0) - 1`;
    }
    return values.get(metric.name) ?? "NULL";
  };
  // Money is reported to the cent; ratios keep their precision (they were computed from unrounded sums).
  const shown = (metric: MetricDefinition, value: string) =>
    metric.format === "currency" ? `{{ round_float({{ float(${value}) }}, 2) }}` : `{{ float(${value}) }}`;
  for (const metric of metrics) {
    const value = valueOfMetric(metric);
    spine = spine.select(sql.raw(shown(metric, value)).as(metric.name));
    if (query.compare) {
      const compared = valueOfMetric(metric, compareOf);
      spine = spine
        .select(sql.raw(shown(metric, compared)).as(`${metric.name}_compare`))
        // The change is between the figures shown: money to the cent on both sides, so it foots with them.
        .select(sql.raw(shown(metric, `(${shown(metric, value)}) - (${shown(metric, compared)})`)).as(`${metric.name}_change`));
    }
  }
  spine = spine.orderBy("p.period");
  for (const d of by) spine = spine.orderBy(`g.${d.name}`);

  const compiled = spine.compile();
  return {
    // Metric types write the SQL every engine shares, with {{ helpers }} where engines differ.
    sql: renderPlaceholders(renderIdentifiers(renderSql(compiled.sql, dialect, "metric query"), dialect), dialect),
    parameters: compiled.parameters,
    columns: [
      { name: "period", role: "period", label: "Period" },
      ...by.map((d) => ({ name: d.name, role: "dimension" as const, label: d.label })),
      ...metrics.flatMap((m): OutputColumn[] => {
        const column = { name: m.name, role: "metric" as const, label: m.label, format: m.format, better: m.better, unit: m.unit };
        if (!query.compare) return [column];
        const against = query.compare === "year" ? "a year before" : `the ${grain} before`;
        return [
          column,
          { ...column, name: `${m.name}_compare`, label: `${m.label}, ${against}`, of: { metric: m.name, kind: "compare" } },
          { ...column, name: `${m.name}_change`, label: `${m.label}, change on ${against}`, of: { metric: m.name, kind: "change" } },
        ];
      }),
    ],
  };
}

function reachesFuture(metric: BaseMetric): boolean {
  return "future" in metric && metric.future;
}

/**
 * Whether a metric's rows reach a dimension. An account attribute they can't reach is a mistake
 * (costs by industry); a dimension only some facts carry (cost_center) leaves the metric whole for
 * every value of it.
 */
function dimensionReach(metric: BaseMetric, asked: readonly DimensionDefinition[]): (d: DimensionDefinition) => boolean {
  const { accounts, carries } = metricType(metric).dimensions(metric);
  const reaches = (d: DimensionDefinition) => carries.includes(d.name) || (accounts && d.table !== null);
  for (const d of asked) {
    if (!reaches(d) && d.table !== null) {
      const can = carries.length ? carries.join(", ") : "nothing";
      throw new UsageError(
        `metric ${metric.name} can't be grouped or filtered by ${d.name}: its rows are not accounts' (it can be by ${can})`,
      );
    }
  }
  return reaches;
}

/**
 * The groups of the answer. Over account dimensions: every value combination in the account-month
 * marts, so a group with no rows for a metric still shows. With a dimension only facts carry: the
 * combinations in the metrics that are grouped by all of the query's dimensions.
 */
function groupsQuery(
  db: Db,
  by: readonly DimensionDefinition[],
  where: MetricContext["where"],
  shared: readonly { context: MetricContext }[],
): MetricRows {
  const asked = [...by, ...where.map((w) => w.dimension)];
  const pick = (rows: MetricRows) => (by.length > 0 ? rows : rows.select(sql<boolean>`true`.as("matched"))).distinct();
  const complete = shared
    .map((s, i) => ({ ...s, i }))
    .filter(({ context }) => context.by.length === by.length && context.where.length === where.length);
  const fromCte = (i: number) => pick(db.selectFrom(`m${i}`).select(by.map((d) => `m${i}.${d.name}`)));
  let union: MetricRows;
  if (asked.every((d) => d.table !== null)) {
    const table = asked.find((d) => d.table !== "account_months")?.table ?? "account_months";
    const rows = db.selectFrom(`marts.${table} as am`);
    union = pick(withDimensions(rows, { alias: "am", table, accounts: true }, { db, by, where, window: 0 }).query);
  } else {
    const first = complete.shift();
    if (!first) {
      const facts = asked.filter((d) => d.table === null).map((d) => d.name);
      throw new UsageError(`none of the metrics asked for can be grouped by ${facts.join(", ")}`);
    }
    union = fromCte(first.i);
  }
  // A fact whose account has no value of a dimension (no snapshot at all) is its own group, "(none)":
  // the groups the metrics found join the marts' values, so no row falls out of the answer.
  for (const other of complete) union = union.union(fromCte(other.i));
  return union;
}

function lookup<T>(map: ReadonlyMap<string, T>, name: string, kind: "metric" | "dimension"): T {
  const found = map.get(name);
  if (found) return found;
  const names = [...map.keys()];
  const hint = closest(name, names);
  throw new UsageError(`unknown ${kind} "${name}"${hint ? ` — did you mean "${hint}"?` : ""} (${kind}s: ${names.join(", ")})`);
}
