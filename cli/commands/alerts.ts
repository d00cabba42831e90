import { printable } from "../../core/log.ts";
import { openWarehouseForReading } from "../../core/open-warehouse.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";
import { isoDateFlag, oneOf, waitOption, waitSeconds } from "./flags.ts";

type AlertRow = {
  opened_month: string;
  closed_month: string | null;
  rule: string;
  severity: string;
  account_id: string | null;
  account_name: string | null;
  owner_csm: string | null;
  arr: number | null;
  message: string;
  value_now: number | null;
  value_before: number | null;
  detail: string | null;
  opened_run: string;
  baseline: boolean;
};

export const alertsCommand: Command = {
  name: "alerts",
  summary: "the alerts the rules raised, newest first",
  usage: "bellwether alerts [--since DATE] [--open] [--format table|json]",
  description: `Lists what the alert rules in the config (alerts.rules) raised, from meta.alerts: each alert opened once per episode (an account turning red opens one; it closes the first run that finds it no longer red), with its month, rule, severity, account and values. Runs evaluate the rules on the newest month of data, so a refresh that adds a month raises that month's alerts.`,
  positionals: "none",
  options: {
    since: { type: "string", placeholder: "DATE", description: "only alerts opened on or after this date (YYYY-MM-DD)" },
    open: { type: "boolean", description: "only alerts still open" },
    format: { type: "string", placeholder: "FORMAT", description: "table (default) or json" },
    ...waitOption,
  },
  examples: ["bellwether alerts", "bellwether alerts --since 2026-09-01 --format json", "bellwether alerts --open"],
  async run({ values, config: loadConfig }) {
    const format = oneOf("format", values.format, ["table", "json"]);
    const since = isoDateFlag("since", values.since);
    const config = await loadConfig();
    const db = await openWarehouseForReading(config, waitSeconds(values));
    try {
      const rows = (await db.tableExists("meta", "alerts"))
        ? await db.all<AlertRow>(
            `SELECT {{ format_time(opened_month, '%Y-%m-%d') }} AS opened_month, {{ format_time(closed_month, '%Y-%m-%d') }} AS closed_month,
               rule, severity, account_id, account_name, owner_csm, {{ float(arr) }} AS arr, message, value_now, value_before, detail,
               opened_run, coalesce(baseline, false) AS baseline
             FROM meta.alerts
             WHERE (CAST($1 AS DATE) IS NULL OR opened_month >= CAST($1 AS DATE)) AND (NOT $2 OR closed_month IS NULL)
             ORDER BY opened_month DESC, opened_at DESC, rule, subject`,
            [since ?? null, values.open === true],
          )
        : [];
      if (format === "json") process.stdout.write(`${printable(JSON.stringify(rows, null, 2))}\n`);
      else if (rows.length === 0) process.stdout.write("No alerts.\n");
      else {
        // A baseline episode was already true at the rule's first evaluation: recorded, never sent.
        const shown = rows.map((r) => [
          r.baseline ? `${r.opened_month} (baseline)` : r.opened_month,
          r.closed_month ?? "open",
          r.severity,
          r.rule,
          r.account_id ?? "—",
          r.message,
        ]);
        process.stdout.write(`${renderTable(["opened", "closed", "severity", "rule", "account", "what"], shown)}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
