import { type Table, tableFromJSON } from "apache-arrow";
import type { QueryResult } from "./query.ts";

/** The rows as an Apache Arrow table, for notebooks and columnar tools (its own module: Arrow loads only for those who ask). */
export function toArrow(result: QueryResult): Table {
  return tableFromJSON(result.rows.length ? result.rows : [Object.fromEntries(result.columns.map((c) => [c.name, null]))]).slice(
    0,
    result.rows.length,
  );
}
