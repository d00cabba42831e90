import { closest, UsageError } from "../../core/errors.ts";
import { contractsMarkdown, describeContracts } from "../../pipelines/contract-docs.ts";
import { tableNames } from "../../pipelines/contracts/index.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";

const FORMATS = ["table", "json", "markdown"] as const;

export const contractsCommand: Command = {
  name: "contracts",
  summary: "the landing tables: columns, types, required flags, keys and rules",
  usage: "bellwether contracts [TABLE] [--format table|json|markdown]",
  description: `What your own exports must hold, table by table, read from the same zod contracts that check every row. A sources folder holds one file per table (<table>.csv|.ndjson|.parquet, optionally .gz) or a <table>/ folder of them; the header names the columns in any order and case, and other columns are ignored. A row that breaks a rule is quarantined with its file, line, column and reason; a file missing a required column is refused whole. docs/contracts.md is this command's markdown.
Tables: ${tableNames.join(", ")}.`,
  positionals: "zero-or-one",
  options: {
    format: { type: "string", placeholder: "FORMAT", description: "table (default), json or markdown" },
  },
  examples: [
    "bellwether contracts",
    "bellwether contracts crm_subscriptions",
    "bellwether contracts --format markdown > docs/contracts.md",
  ],
  async run({ values, positionals }) {
    const format = (values.format as string | undefined) ?? "table";
    if (!FORMATS.includes(format as (typeof FORMATS)[number]))
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    const [table] = positionals;
    if (table !== undefined && !tableNames.includes(table as (typeof tableNames)[number])) {
      const hint = closest(table, tableNames);
      throw new UsageError(`no landing table "${table}"${hint ? ` — did you mean "${hint}"?` : ""} (tables: ${tableNames.join(", ")})`);
    }
    const docs = describeContracts().filter((t) => table === undefined || t.table === table);
    if (format === "markdown") {
      process.stdout.write(contractsMarkdown());
      return 0;
    }
    if (format === "json") {
      process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
      return 0;
    }
    const out: string[] = [];
    for (const t of docs) {
      out.push(`${t.table} — key ${t.key}${t.references.length ? `; ${t.references.join(", ")}` : ""}`);
      out.push(
        renderTable(
          ["column", "type", "required", "default", "rules"],
          t.columns.map((c) => [c.column, c.type, c.required ? "yes" : "", c.default ?? "", c.rules.join("; ")]),
        ),
        "",
      );
    }
    process.stdout.write(`${out.join("\n")}`);
    return 0;
  },
};
