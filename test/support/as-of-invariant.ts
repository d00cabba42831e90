import type { Warehouse } from "../../core/warehouse.ts";
import { rowDifferences } from "./same-rows.ts";

/** The column a mart's rows are dated by, in order of preference. */
const DATED_BY = ["month_index", "month", "start_date"];

/**
 * DESIGN "As of": a build with --as-of D over complete exports equals the build over the exports as
 * they stood on D (test/support/cut-exports.ts), for everything dated up to D. Compares every mart of two
 * warehouses: a table its rows dated up to D (by the first of DATED_BY it has), one with none of them
 * every row. Returns the differences, each naming the table, the row and the columns (empty when equal).
 */
export async function asOfDifferences(full: Warehouse, cut: Warehouse): Promise<string[]> {
  const asOf = await full.one<{ m: number }>("SELECT {{ month_index(as_of) }} AS m FROM marts.as_of");
  const day = await full.one<{ d: string }>("SELECT {{ format_time(as_of, '%Y-%m-%d') }} AS d FROM marts.as_of");
  if (!asOf) throw new Error("no marts.as_of in the full build");
  const tables = await full.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name",
  );
  const out: string[] = [];
  for (const { name } of tables) {
    const columns = (
      await full.all<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = '${name}' ORDER BY ordinal_position`,
      )
    ).map((r) => r.c);
    // Rows dated after D (renewals to come, the forecast, lines booked to start later) are not compared.
    const dated = DATED_BY.find((c) => columns.includes(c));
    const upTo = !dated
      ? ""
      : dated === "month_index"
        ? ` WHERE month_index <= ${asOf.m}`
        : ` WHERE coalesce(CAST(${dated} AS DATE) <= DATE '${day?.d}', true)`;
    const sql = `SELECT * FROM marts.${name}${upTo}`;
    out.push(...rowDifferences(await full.all(sql), await cut.all(sql), `marts.${name}`));
  }
  return out;
}
