import type { Warehouse } from "../core/warehouse.ts";
import type { Catalog } from "./catalog.ts";
import type { DimensionDefinition } from "./definition.ts";

export interface DimensionValue {
  value: string | null;
  /** Accounts that have had this value in any month; null for dimensions of rows that are not accounts'. */
  accounts: number | null;
}

/** The mart a dimension is read from: its own, account_months, or (fact-only) a table whose metrics carry it. */
function tableOf(dimension: DimensionDefinition, catalog: Catalog): { table: string; accounts: boolean } | undefined {
  if (dimension.table !== null) return { table: dimension.table ?? "account_months", accounts: true };
  for (const metric of catalog.metrics.values()) {
    const carried = metric as { table?: string; carries?: readonly string[] };
    if (carried.table && carried.carries?.includes(dimension.name)) return { table: carried.table, accounts: false };
  }
  return undefined;
}

/** Every value a dimension takes in the warehouse, with how many accounts have had it, sorted by value. */
export async function dimensionValues(db: Warehouse, catalog: Catalog, dimension: DimensionDefinition): Promise<DimensionValue[]> {
  const source = tableOf(dimension, catalog);
  if (!source || !(await db.tableExists("marts", source.table))) return [];
  const column = `"${dimension.column.replaceAll('"', '""')}"`;
  return db.all<DimensionValue & Record<string, unknown>>(
    `SELECT CAST(${column} AS VARCHAR) AS value, ${source.accounts ? "count(DISTINCT account_id)" : "NULL::BIGINT"} AS accounts
     FROM marts."${source.table}" GROUP BY 1 ORDER BY 1 NULLS LAST`,
  );
}

/** Values that look like `wanted` without being it: the same in another case first, then near spellings. */
export function closeValues(wanted: string, values: readonly string[]): string[] {
  const lower = wanted.toLowerCase();
  const sameCase = values.filter((v) => v.toLowerCase() === lower);
  const partial = values.filter((v) => !sameCase.includes(v) && (v.toLowerCase().includes(lower) || lower.includes(v.toLowerCase())));
  return [...sameCase, ...partial].slice(0, 3);
}
