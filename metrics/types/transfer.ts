import { UsageError } from "../../core/errors.ts";
import type { DimensionDefinition, MetricDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows, MetricType } from "./context.ts";

type Transfer = Extract<MetricDefinition, { type: "transfer" }>;

/**
 * Moves between groups, month by month over each period's months: an account with ARR the month before
 * (f, from) whose group differs this month (t, to) — the group being the query's dimensions, grouped
 * and filtered — carries that ARR out of its old group and into its new one. Its movement in the month
 * (expansion, churn) belongs to the new group, as every movement belongs to its month's group.
 */
export const transfer: MetricType<Transfer> = {
  shareKey: (metric) => `transfer:${metric.direction}`,
  dimensions: () => ({ accounts: true, carries: [] }),
  build(metrics: readonly Transfer[], context: MetricContext): MetricRows {
    const [first] = metrics;
    if (!first) throw new Error("transfer: no metrics to build");
    const side = first.direction === "in" ? "t" : "f";
    const asked = [...context.by, ...context.where.map((w) => w.dimension)];
    const columnOf = (alias: string, d: DimensionDefinition) => {
      // Both months of an account are rows of account_months: a dimension kept elsewhere (health band) is not on them.
      if (d.table !== "account_months")
        throw new UsageError(`metric ${first.name} can be grouped by account-month dimensions, not ${d.name}`);
      return `${alias}.${d.column}`;
    };
    // The account's group changed: one of the dimensions that make the group differs between the months.
    const moved = asked.length ? asked.map((d) => `${columnOf("t", d)} IS DISTINCT FROM ${columnOf("f", d)}`).join(" OR ") : "false";
    const sign = first.direction === "in" ? "" : "-";
    let rows = context.db
      .selectFrom(`${context.periods ?? "periods"} as p`)
      .innerJoin("marts.account_months as t", (join) =>
        join.onRef("t.month_index", "<=", "p.month_index").on("t.month_index", ">", sql<number>`p.month_index - p.span_months`),
      )
      .innerJoin("marts.account_months as f", (join) =>
        join
          .onRef("f.account_id", "=", "t.account_id")
          .on("f.month_index", "=", sql<number>`t.month_index - 1`)
          .on("f.arr", ">", 0),
      )
      .select("p.period")
      .select(metrics.map((_, k) => sql.raw(`coalesce(sum(CASE WHEN ${moved} THEN ${sign}f.arr END), 0)`).as(`value_${k}`)))
      .select(context.by.map((d) => sql.ref(columnOf(side, d)).as(d.name)));
    for (const { dimension, values } of context.where) rows = rows.where(columnOf(side, dimension), "in", values);
    return rows.groupBy(["p.period", ...context.by.map((d) => columnOf(side, d))]);
  },
  empty: () => 0,
  parts: (metric) => ({ value: metric }),
};
