import { printable } from "../../core/log.ts";
import { writeFileSync } from "node:fs";
import { spreadsheetLine } from "../../core/csv.ts";
import { isIsoDate } from "../../core/dates.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { formatValue } from "../../core/format.ts";
import { openWarehouseForReading } from "../../core/open-warehouse.ts";
import { ICP_DIMENSIONS, type IcpRow, type IcpTable, icpFit } from "../../metrics/icp.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";
import { outFile, waitOption, waitSeconds, wholeNumber } from "./flags.ts";

const FORMATS = ["table", "csv", "json"] as const;

export const icpCommand: Command = {
  name: "icp",
  summary: "ICP fit: which account profiles retain and expand, sorted by lift",
  usage: "bellwether icp [--at DATE] [--window MONTHS] [--format table|csv|json] [--out FILE]",
  description: `For each value of ${ICP_DIMENSIONS.join(", ")}: the accounts that had that profile at the window start (n), their share of the ARR then, NRR, lift = the group's NRR over the whole book's with its 95% interval (NRR's, from how the group's accounts vary), GRR, logo retention, the median time to value of the profile's accounts so far, their average health now. Sorted by lift; groups with fewer accounts than the config's icp.minAccounts (default 20) are listed last and flagged "too small". Every number is a catalog metric (bellwether metrics).`,
  options: {
    ...waitOption,
    at: {
      type: "string",
      placeholder: "DATE",
      description: "measure at the last month ending on or before DATE (default: the last month of data)",
    },
    window: { type: "string", placeholder: "MONTHS", description: "retention window in months (default: the config's, 12)" },
    format: { type: "string", placeholder: "FORMAT", description: "table (default), csv or json" },
    out: { type: "string", placeholder: "FILE", description: "write to FILE instead of stdout" },
  },
  examples: ["bellwether icp", "bellwether icp --at 2025-12-31 --format csv --out icp.csv"],
  async run({ values, config: loadConfig }) {
    const format = (values.format as string | undefined) ?? "table";
    if (!FORMATS.includes(format as (typeof FORMATS)[number]))
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${format}"`);
    const at = values.at as string | undefined;
    if (at !== undefined && !isIsoDate(at)) throw new UsageError(`--at must be an ISO date (YYYY-MM-DD), got "${at}"`);
    const window = values.window === undefined ? undefined : wholeNumber("window", values.window, 1, 600);
    const config = await loadConfig();
    const db = await openWarehouseForReading(config, waitSeconds(values));
    try {
      if (!(await db.tableExists("marts", "account_months"))) {
        throw new InputError(`${db.path}: no marts in this warehouse yet; run \`bellwether build\` first`);
      }
      const table = await icpFit(db, config, { at, window });
      if (!table) throw new InputError(`${db.path}: no month of data ends ${at ? `on or before ${at}` : "yet"}; nothing to compare`);
      const text =
        format === "json"
          ? `${JSON.stringify(table, null, 2)}\n`
          : format === "csv"
            ? toCsv(table)
            : renderIcp(table, config.reportingCurrency);
      const out = outFile(values.out);
      if (out) writeFileSync(out, text);
      else process.stdout.write(printable(text));
      return 0;
    } finally {
      await db.close();
    }
  },
};

const COLUMNS: (keyof IcpRow)[] = [
  "dimension",
  "value",
  "accounts",
  "arr",
  "arr_share",
  "nrr",
  "lift",
  "lift_low",
  "lift_high",
  "grr",
  "logo_retention",
  "logo_retention_low",
  "logo_retention_high",
  "ttv_median_days",
  "health_score_avg",
  "too_small",
];

function toCsv(table: IcpTable): string {
  const lines = [
    spreadsheetLine(["period", ...COLUMNS]),
    ...[table.book, ...table.rows].map((r) => spreadsheetLine([table.period, ...COLUMNS.map((c) => r[c])])),
  ];
  return `${lines.join("\n")}\n`;
}

function renderIcp(table: IcpTable, currency: string): string {
  const pct = (v: number | null) => formatValue(v, "percent");
  const line = (r: IcpRow) => [
    r.dimension === "book" ? "whole book" : r.dimension,
    r.value ?? (r.dimension === "book" ? "" : "(none)"),
    formatValue(r.accounts, "count"),
    pct(r.arr_share),
    pct(r.nrr),
    r.lift === null ? "—" : `${r.lift.toFixed(2)}×`,
    r.lift_low === null || r.lift_high === null ? "—" : `${r.lift_low.toFixed(2)}–${r.lift_high.toFixed(2)}×`,
    pct(r.grr),
    pct(r.logo_retention),
    formatValue(r.ttv_median_days, "days"),
    formatValue(r.health_score_avg, "ratio").replace(/\.\d+$/, ""),
    r.too_small ? `too small (n < ${table.minAccounts})` : "",
  ];
  const headers = ["dimension", "value", "n", "ARR share", "NRR", "lift", "lift 95%", "GRR", "logo ret.", "median TTV", "health", ""];
  const heading = `ICP fit at ${table.period}: retention over the ${table.window} months before, by the profile accounts had ${table.window} months earlier (ARR in ${currency}; lift = NRR ÷ the book's NRR)\n\n`;
  return `${heading}${renderTable(headers, [line(table.book), ...table.rows.map(line)])}\n`;
}
