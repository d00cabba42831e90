import { splitArguments } from "../engines/dialect.ts";
import type { DataTest } from "./model.ts";

/** SQL that returns the rows breaking a data test, run against the freshly built table. */
export function failingRowsSql(test: DataTest, table: string): string {
  const args = test.args.trim();
  switch (test.kind) {
    case "unique":
      return `SELECT ${args}, count(*) AS copies FROM ${table} GROUP BY ${args} HAVING count(*) > 1`;
    case "not_null": {
      const columns = args.split(",").map((c) => c.trim());
      return `SELECT * FROM ${table} WHERE ${columns.map((c) => `${c} IS NULL`).join(" OR ")}`;
    }
    case "accepted_values": {
      const [column, ...values] = splitArguments(args);
      return `SELECT * FROM ${table} WHERE ${column} IS NOT NULL AND ${column} NOT IN (${values.join(", ")})`;
    }
    case "relationships": {
      const [column, target] = splitArguments(args);
      const dot = (target ?? "").lastIndexOf(".");
      const targetTable = (target ?? "").slice(0, dot);
      const targetColumn = (target ?? "").slice(dot + 1);
      return `SELECT * FROM ${table} t WHERE t.${column} IS NOT NULL AND t.${column} NOT IN (SELECT ${targetColumn} FROM ${targetTable})`;
    }
    case "expression":
      return `SELECT * FROM ${table} WHERE NOT coalesce((${args}), false)`;
  }
}
