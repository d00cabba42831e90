import type { Config } from "../../project/config.ts";
import type { Warehouse } from "../../core/warehouse.ts";
import type { Catalog } from "../../metrics/catalog.ts";
import type { Grain } from "../../metrics/compile.ts";
import type { DimensionDefinition, MetricDefinition } from "../../metrics/definition.ts";
import { type MetricRow, query } from "../../metrics/query.ts";
import { type BaseMetric, metricType } from "../../metrics/types/index.ts";

/*
 * DESIGN "Invariants", run from the catalog so a new metric or dimension is covered without a new test.
 * Each failure names the metric, the dimension, the period and the values.
 */

/**
 * Money is printed to the cent: a sum of `parts` values, each rounded once, may differ from the total
 * rounded once by half a cent a part (a cost allocated pro rata, MRR as ARR / 12). Beyond that, no slack.
 */
const agree = (a: number, b: number, parts = 1) => Math.abs(a - b) <= 0.005 * parts + 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** A metric whose value for a set of accounts is the sum of its values over a partition of them. */
function isAdditive(metric: MetricDefinition): metric is BaseMetric {
  if (metric.type === "snapshot")
    return metric.agg === "sum" || (metric.agg === "count_distinct" && metric.measure.trim() === "am.account_id");
  if (metric.type === "period_aggregate") return metric.agg === "sum" || metric.agg === "count";
  if (metric.type === "window_retention") return metric.denominator === undefined;
  return false;
}

/** Additive over time as well: a flow over the period's own months (a movement, a cost, a ticket), not a
 * count taken in its last month (seats, active users). */
const isFlow = (metric: BaseMetric) =>
  metric.type === "period_aggregate" && metric.over === "period" && !metric.filter?.includes("p.month_index");

/** The dimensions a metric's rows can be grouped by (DESIGN "Dimensions of a fact"). */
function dimensionsOf(metric: BaseMetric, catalog: Catalog): DimensionDefinition[] {
  const { accounts, carries } = metricType(metric).dimensions(metric);
  return [...catalog.dimensions.values()].filter((d) => carries.includes(d.name) || (accounts && d.table !== null));
}

const num = (value: unknown) => (typeof value === "number" ? value : 0);

/**
 * For every additive metric and every dimension it takes, in every month: the groups sum to the total
 * (so every account counted in the total is in exactly one group: none falls into an unshown group).
 * One query per dimension for all the metrics that take it.
 */
export async function groupsSumToTotals(db: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const additive = [...catalog.metrics.values()].filter(isAdditive);
  const failures: string[] = [];
  const totals = new Map<string, MetricRow>();
  for (const row of (await query(db, config, { metrics: additive.map((m) => m.name) }, catalog)).rows) totals.set(String(row.period), row);
  for (const dimension of catalog.dimensions.values()) {
    const metrics = additive.filter((m) => dimensionsOf(m, catalog).includes(dimension));
    if (metrics.length === 0) continue;
    const grouped = (await query(db, config, { metrics: metrics.map((m) => m.name), by: [dimension.name] }, catalog)).rows;
    for (const metric of metrics) {
      const sums = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const row of grouped) {
        const period = String(row.period);
        sums.set(period, (sums.get(period) ?? 0) + num(row[metric.name]));
        counts.set(period, (counts.get(period) ?? 0) + 1);
      }
      for (const [period, total] of totals) {
        const sum = sums.get(period) ?? 0;
        if (!agree(sum, num(total[metric.name]), (counts.get(period) ?? 0) + 1)) {
          failures.push(`${metric.name} by ${dimension.name}, ${period}: groups sum to ${sum}, total ${total[metric.name]}`);
        }
      }
    }
  }
  return failures;
}

/**
 * For every flow (a sum or count over the period's months): a year's value is the sum of its quarters,
 * and a quarter's the sum of its months, the period the as-of cuts included (each to date).
 */
export async function periodsSumToLongerOnes(db: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const flows = [...catalog.metrics.values()].filter(isAdditive).filter(isFlow);
  const at = async (grain: Grain) => (await query(db, config, { metrics: flows.map((m) => m.name), grain }, catalog)).rows;
  const [months, quarters, years] = [await at("month"), await at("quarter"), await at("year")];
  const failures: string[] = [];
  const check = (longer: MetricRow[], shorter: MetricRow[], label: string) => {
    let previous = "";
    for (const row of longer) {
      const period = String(row.period);
      const parts = shorter.filter((r) => String(r.period) > previous && String(r.period) <= period);
      for (const metric of flows) {
        const sum = parts.reduce((s, r) => s + num(r[metric.name]), 0);
        if (!agree(sum, num(row[metric.name]), parts.length + 1)) {
          failures.push(`${metric.name}: ${label} ending ${period} is ${row[metric.name]}, its parts sum to ${sum}`);
        }
      }
      previous = period;
    }
  };
  check(years, quarters, "year");
  check(quarters, months, "quarter");
  return failures;
}

/**
 * Nothing after the as-of moves any figure: every metric of the catalog, month by month up to the
 * as-of, the same in two warehouses (a build with --as-of D over complete exports, and one over the
 * exports cut at D).
 */
export async function sameFiguresUpToAsOf(full: Warehouse, cut: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const asOf = await full.one<{ d: string }>("SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS d FROM marts.as_of");
  const failures: string[] = [];
  for (const metric of catalog.metrics.values()) {
    const request = { metrics: [metric.name] };
    const [a, b] = [(await query(full, config, request, catalog)).rows, (await query(cut, config, request, catalog)).rows];
    const upTo = (rows: MetricRow[]) => rows.filter((r) => String(r.period).slice(0, 7) <= String(asOf?.d).slice(0, 7));
    const [x, y] = [upTo(a), upTo(b)];
    if (x.length !== y.length) failures.push(`${metric.name}: ${x.length} months up to the as-of ≠ ${y.length}`);
    x.forEach((row, i) => {
      const [p, q] = [row[metric.name], y[i]?.[metric.name]];
      const same = p === q || (typeof p === "number" && typeof q === "number" && Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p)));
      if (!same || row.period !== y[i]?.period) failures.push(`${metric.name}, ${row.period}: ${p} with later data, ${q} without`);
    });
  }
  return failures;
}

/**
 * `--compare` reads the period before as the query would read it itself: for every metric of the catalog
 * (a change between periods aside) at each grain, a whole period's `m_compare` is the value of the
 * period `back` months before it and `m_change` their difference (to the cent for money); with
 * `compare: "year"`, the period a year before. A period the as-of cuts compares with the same months of
 * the one before, which no row of the plain query shows: it is checked by hand in test/compare.test.ts.
 */
export async function comparedWithEarlierPeriods(db: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const metrics = [...catalog.metrics.values()].filter((m) => m.type !== "change").map((m) => m.name);
  const asOf = await db.one<{ d: string }>("SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS d FROM marts.as_of");
  const failures: string[] = [];
  let checked = 0;
  for (const [grain, compare, back] of [
    ["month", "previous", 1],
    ["quarter", "previous", 1],
    ["month", "year", 12],
  ] as const) {
    const plain = (await query(db, config, { metrics, grain }, catalog)).rows;
    // Twenty metrics a query: a query of a hundred metrics and their comparisons passes DuckDB's expression depth.
    const compared = new Map<string, MetricRow>();
    for (let i = 0; i < metrics.length; i += 20) {
      for (const row of (await query(db, config, { metrics: metrics.slice(i, i + 20), grain, compare }, catalog)).rows)
        compared.set(String(row.period), { ...compared.get(String(row.period)), ...row });
    }
    // Whole periods before the as-of's month: the one the as-of cuts, and those after it, are not rows' neighbours.
    plain.forEach((row, k) => {
      const before = plain[k - back];
      if (!before || String(row.period).slice(0, 7) >= String(asOf?.d).slice(0, 7)) return;
      const that = compared.get(String(row.period)) ?? {};
      checked += 1;
      for (const name of metrics) {
        const [value, was, change] = [that[name], that[`${name}_compare`], that[`${name}_change`]];
        if (!same(was, before[name], 1e-6))
          failures.push(`${name}, ${grain} ${row.period} compared ${compare}: ${was}, but ${before.period} is ${before[name]}`);
        const expected = typeof value === "number" && typeof was === "number" ? value - was : null;
        if (!same(change, expected, 1e-6))
          failures.push(`${name}, ${grain} ${row.period}: change ${change}, but ${value} − ${was} = ${expected}`);
      }
    });
  }
  if (checked === 0) failures.push("no whole period before the as-of to compare");
  return failures;
}

/**
 * The accounts behind a figure add up to it (`--accounts`): for every metric of the catalog made of
 * accounts' rows — a sum or a count, or a ratio of two — in every month and quarter, its per-account
 * contributions sum to the figure, or their numerator and denominator sums divide to it. A metric made
 * from others (ARPA) lists their parts, checked as theirs.
 */
export async function accountsAddUp(db: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const decomposable = [...catalog.metrics.values()].filter((m): m is BaseMetric => {
    if (m.type === "derived" || m.type === "change") return false;
    const type = metricType(m as BaseMetric);
    return type.dimensions(m as BaseMetric).accounts && type.parts?.(m as BaseMetric) !== undefined;
  });
  const failures: string[] = [];
  let checked = 0;
  for (const grain of ["month", "quarter"] as const) {
    for (let i = 0; i < decomposable.length; i += 15) {
      const names = decomposable.slice(i, i + 15).map((m) => m.name);
      const figures = (await query(db, config, { metrics: names, grain }, catalog)).rows;
      const accounts = await query(db, config, { metrics: names, grain, accounts: true }, catalog);
      const sums = new Map<string, Map<string, number>>();
      for (const row of accounts.rows) {
        const period = sums.get(String(row.period)) ?? new Map<string, number>();
        for (const c of accounts.columns) if (c.role === "metric") period.set(c.name, (period.get(c.name) ?? 0) + num(row[c.name]));
        sums.set(String(row.period), period);
      }
      for (const row of figures) {
        const period = sums.get(String(row.period)) ?? new Map<string, number>();
        const rows = accounts.rows.filter((r) => r.period === row.period).length;
        for (const name of names) {
          const figure = row[name];
          const value = period.get(name);
          const [numerator, denominator] = [period.get(`${name}_numerator`) ?? 0, period.get(`${name}_denominator`) ?? 0];
          checked += 1;
          if (accounts.columns.some((c) => c.name === name)) {
            if (!agree(value ?? 0, num(figure), rows + 1))
              failures.push(`${name}, ${grain} ${row.period}: its accounts sum to ${value ?? 0}, the figure is ${figure}`);
          } else if (denominator === 0 ? figure !== null : !sameFigure(numerator / denominator, figure, catalog.metrics.get(name))) {
            failures.push(`${name}, ${grain} ${row.period}: its accounts give ${numerator} / ${denominator}, the figure is ${figure}`);
          }
        }
      }
    }
  }
  if (checked === 0) failures.push("no figure made of accounts to check");
  return failures;
}

/** A quotient and the figure shown: money is shown to the cent. */
const sameFigure = (quotient: number, figure: unknown, metric: MetricDefinition | undefined) =>
  metric?.format === "currency" ? typeof figure === "number" && agree(quotient, figure) : same(quotient, figure);

/**
 * Two values of the same figure computed two ways: equal but for the order floating-point sums ran in,
 * and `slack` more (a difference of two figures rounded to the cent carries a cent's float noise).
 */
function same(p: unknown, q: unknown, slack = 0): boolean {
  return (
    p === q || (typeof p === "number" && typeof q === "number" && Math.abs(p - q) <= 1e-9 * Math.max(1, Math.abs(p), Math.abs(q)) + slack)
  );
}

/**
 * The ARR bridge foots in every group (DESIGN "Dashboards"): grouped by any dimension of account_months,
 * each group's opening ARR, its movements and what moved in and out of it add up to its closing ARR, in
 * every month and quarter — an account that changed group carries its ARR from one to the other.
 */
export async function bridgesFootByGroup(db: Warehouse, config: Config, catalog: Catalog): Promise<string[]> {
  const flows = ["new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr", "moved_in_arr", "moved_out_arr"];
  const failures: string[] = [];
  let checked = 0;
  for (const dimension of [...catalog.dimensions.values()].filter((d) => d.table === "account_months")) {
    for (const grain of ["month", "quarter"] as const) {
      const rows = (await query(db, config, { metrics: ["opening_arr", ...flows, "arr"], by: [dimension.name], grain }, catalog)).rows;
      for (const row of rows) {
        checked += 1;
        const sum = ["opening_arr", ...flows].reduce((s, m) => s + num(row[m]), 0);
        if (!agree(sum, num(row.arr), flows.length + 1))
          failures.push(
            `bridge by ${dimension.name}, ${grain} ${row.period}, ${row[dimension.name]}: opening and movements ${sum}, closing ${row.arr}`,
          );
      }
    }
  }
  if (checked === 0) failures.push("no bridge to foot");
  return failures;
}
