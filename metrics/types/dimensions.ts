import type { DimensionDefinition } from "../definition.ts";
import { sql } from "../sql.ts";
import type { MetricContext, MetricRows } from "./context.ts";

/** Where a metric's rows are: their alias in the query, and what they can tell about dimensions. */
export interface RowSource {
  alias: string;
  /** The account-month mart the rows are, if they are one (their columns are read directly). */
  table?: string;
  /** The rows have account_id and month_index: other account-month marts join on them. */
  accounts: boolean;
  /** Dimensions that are columns of the rows themselves. */
  carries?: readonly string[];
  /** The rows' column naming the month their account dimensions are read in (default month_index). */
  monthColumn?: string;
}

/**
 * Adds the query's dimensions to a metric's rows, as columns named for the dimensions, and its
 * filters; each account-month mart a dimension lives in is joined once, on the row's account and month.
 */
export function withDimensions(
  query: MetricRows,
  source: RowSource,
  { by, where }: MetricContext,
): { query: MetricRows; groupBy: string[] } {
  const joined = new Set<string>();
  const columnOf = (dimension: DimensionDefinition): string => {
    const { alias } = source;
    if (source.carries?.includes(dimension.name) || (dimension.table !== null && dimension.table === source.table)) {
      return `${alias}.${dimension.column}`;
    }
    if (dimension.table === null || !source.accounts) throw new Error(`dimension ${dimension.name} is not on these rows`);
    const other = `dim_${dimension.table}`;
    if (!joined.has(other)) {
      // DESIGN "Dimensions of a fact": the account as it stood in the fact's month, or — with no snapshot
      // that month (a line that starts and ends inside it, a renewal after the last month of data) — its
      // nearest one: the first month it has, or the last month of data.
      if (joined.size === 0) {
        query = query.leftJoin("marts.accounts as dim_span", (join) => join.onRef("dim_span.account_id", "=", `${alias}.account_id`));
      }
      joined.add(other);
      const month = `${alias}.${source.monthColumn ?? "month_index"}`;
      query = query.leftJoin(`marts.${dimension.table} as ${other}`, (join) =>
        join
          .onRef(`${other}.account_id`, "=", `${alias}.account_id`)
          .on(
            sql.ref(`${other}.month_index`),
            "=",
            sql`least(greatest(${sql.ref(month)}, dim_span.first_month_index), (SELECT max(month_index) FROM marts.months))`,
          ),
      );
    }
    return `${other}.${dimension.column}`;
  };
  const groupBy = by.map(columnOf);
  query = query.select(by.map((d, i) => sql.ref(groupBy[i] as string).as(d.name)));
  for (const { dimension, values } of where) {
    // columnOf may join the dimension's mart onto the query: take the column first, then filter that query.
    const column = columnOf(dimension);
    query = query.where(column, "in", values);
  }
  return { query, groupBy };
}
