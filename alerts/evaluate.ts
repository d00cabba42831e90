import { randomUUID } from "node:crypto";
import type { Warehouse } from "../core/warehouse.ts";
import { type AlertRule, alertMessage, ruleQuery } from "./rules.ts";

/** An alert as it is kept in meta.alerts and sent to the outlets. */
export type Alert = {
  alert_id: string;
  rule: string;
  kind: AlertRule["kind"];
  severity: AlertRule["severity"];
  subject: string;
  account_id: string | null;
  account_name: string | null;
  owner_csm: string | null;
  arr: number | null;
  opened_month: string;
  closed_month: string | null;
  value_now: number | null;
  value_before: number | null;
  detail: string | null;
  message: string;
};

export interface Evaluation {
  /** The month evaluated (its last day, or the as-of date in a month to date). */
  month: string;
  opened: Alert[];
  closed: Alert[];
  /**
   * Rules evaluated for the first time on this warehouse, with how many subjects were already in their
   * state: recorded as open episodes (so they alert only when they change), never sent.
   */
  baseline: { rule: string; subjects: number }[];
}

export async function ensureAlertTables(db: Warehouse): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS meta");
  await db.run(`CREATE TABLE IF NOT EXISTS meta.alerts (
    alert_id VARCHAR, rule VARCHAR, kind VARCHAR, severity VARCHAR, subject VARCHAR, account_id VARCHAR, account_name VARCHAR,
    opened_month DATE, opened_run VARCHAR, opened_at TIMESTAMP, closed_month DATE, closed_run VARCHAR,
    value_now DOUBLE PRECISION, value_before DOUBLE PRECISION, detail VARCHAR, message VARCHAR,
    owner_csm VARCHAR, arr DECIMAL(18, 2), baseline BOOLEAN)`);
  // Warehouses from before owners, ARR and baselines: the same columns, at the end as CREATE puts them.
  for (const column of ["owner_csm VARCHAR", "arr DECIMAL(18, 2)", "baseline BOOLEAN"]) {
    await db.run(`ALTER TABLE meta.alerts ADD COLUMN IF NOT EXISTS ${column}`);
  }
  await db.run("CREATE TABLE IF NOT EXISTS meta.alert_rules_evaluated (rule VARCHAR, first_run VARCHAR, first_month DATE)");
  await db.run(`CREATE TABLE IF NOT EXISTS meta.alert_deliveries (
    run_id VARCHAR, outlet VARCHAR, status VARCHAR, attempts INTEGER, alerts INTEGER, error VARCHAR, delivered_at TIMESTAMP)`);
}

/** A rule's name in meta.alerts: its own, or its kind. */
export const ruleName = (rule: AlertRule) => rule.name ?? rule.kind;

/**
 * Evaluates every rule on the newest month of data. An alert opens when its rule becomes true for a
 * subject that has no open alert of that rule (once per episode, however many runs see it true) and
 * closes on the first evaluation that finds it false; a later episode opens a new alert. A rule's first
 * evaluation on a warehouse records what is already true as its baseline (DESIGN "React: alerts"):
 * open episodes marked baseline, sent nowhere, so a first build does not page anyone about the past.
 */
export async function evaluateAlerts(db: Warehouse, rules: readonly AlertRule[], runId: string, currency: string): Promise<Evaluation> {
  const upgrading = (await db.tableExists("meta", "alerts")) && !(await db.tableExists("meta", "alert_rules_evaluated"));
  await ensureAlertTables(db);
  // A warehouse whose rules ran before baselines were kept: they have been evaluated, so what is new now is news.
  if (upgrading) {
    for (const rule of rules) await db.run("INSERT INTO meta.alert_rules_evaluated VALUES ($1, NULL, NULL)", [ruleName(rule)]);
  }
  const month = await db.one<{ month_index: number; snapshot: string }>(
    "SELECT month_index, {{ format_time(snapshot_date, '%Y-%m-%d') }} AS snapshot FROM marts.months ORDER BY month_index DESC LIMIT 1",
  );
  if (!month) return { month: "", opened: [], closed: [], baseline: [] };
  const opened: Alert[] = [];
  const closed: Alert[] = [];
  const baseline: Evaluation["baseline"] = [];
  const evaluated = new Set((await db.all<{ rule: string }>("SELECT rule FROM meta.alert_rules_evaluated")).map((r) => r.rule));
  // All rules or none: a rule that fails leaves meta.alerts as the last run left it.
  await db.transaction(async () => {
    for (const rule of rules) {
      const name = ruleName(rule);
      const query = ruleQuery(rule, Number(month.month_index));
      // The account's owner and ARR in the month evaluated; below the rule's minimum ARR, nothing.
      const minArr = rule.minArr === undefined ? "" : `WHERE f.account_id IS NULL OR coalesce(am.arr, 0) >= ${Number(rule.minArr)}`;
      const found = await db
        .all<{
          subject: string;
          account_id: string | null;
          name: string | null;
          owner_csm: string | null;
          arr: number | null;
          value_now: number | null;
          value_before: number | null;
          detail: string | null;
          opens?: boolean | null;
        }>(
          `SELECT f.*, a.name, am.owner_csm, {{ float(am.arr) }} AS arr FROM (${query.sql}) AS f
           LEFT JOIN marts.accounts AS a ON a.account_id = f.account_id
           LEFT JOIN marts.account_months AS am ON am.account_id = f.account_id AND am.month_index = ${Number(month.month_index)}
           ${minArr} ORDER BY f.subject`,
          query.parameters,
        )
        .catch((error: Error) => {
          // A team's own rule names its file, so the mistake can be found.
          throw new Error(`alert rule ${name}${rule.kind === "sql" && rule.file ? ` (${rule.file})` : ""}: ${error.message}`);
        });
      const open = await db.all<Alert>(
        `SELECT alert_id, rule, kind, severity, subject, account_id, account_name, owner_csm, {{ float(arr) }} AS arr,
         {{ format_time(opened_month, '%Y-%m-%d') }} AS opened_month, NULL AS closed_month, value_now, value_before, detail, message
       FROM meta.alerts WHERE rule = $1 AND closed_month IS NULL`,
        [name],
      );
      const stillTrue = new Set(found.map((f) => f.subject));
      for (const alert of open) {
        if (stillTrue.has(alert.subject)) continue;
        await db.run("UPDATE meta.alerts SET closed_month = CAST($2 AS DATE), closed_run = $3 WHERE alert_id = $1", [
          alert.alert_id,
          month.snapshot,
          runId,
        ]);
        closed.push({ ...alert, closed_month: month.snapshot });
      }
      const alreadyOpen = new Set(open.map((a) => a.subject));
      const first = !evaluated.has(name);
      if (first) {
        await db.run("INSERT INTO meta.alert_rules_evaluated VALUES ($1, $2, CAST($3 AS DATE))", [name, runId, month.snapshot]);
      }
      let recorded = 0;
      for (const row of found) {
        if (alreadyOpen.has(row.subject) || row.opens === false) continue;
        const alert: Alert = {
          alert_id: randomUUID(),
          rule: name,
          kind: rule.kind,
          severity: rule.severity,
          subject: row.subject,
          account_id: row.account_id,
          account_name: row.name,
          owner_csm: row.owner_csm,
          arr: row.arr === null ? null : Number(row.arr),
          opened_month: month.snapshot,
          closed_month: null,
          value_now: row.value_now === null ? null : Number(row.value_now),
          value_before: row.value_before === null ? null : Number(row.value_before),
          detail: row.detail,
          message: alertMessage(rule, currency, row),
        };
        await db.run(
          `INSERT INTO meta.alerts (alert_id, rule, kind, severity, subject, account_id, account_name, opened_month, opened_run, opened_at,
             closed_month, closed_run, value_now, value_before, detail, message, owner_csm, arr, baseline)
           VALUES ($1, $2, $3, $4, $5, $6, $7, CAST($8 AS DATE), $9, now()::TIMESTAMP, NULL, NULL, $10, $11, $12, $13, $14, $15, $16)`,
          [
            alert.alert_id,
            alert.rule,
            alert.kind,
            alert.severity,
            alert.subject,
            alert.account_id,
            alert.account_name,
            alert.opened_month,
            runId,
            alert.value_now,
            alert.value_before,
            alert.detail,
            alert.message,
            alert.owner_csm,
            alert.arr,
            first,
          ],
        );
        if (first) recorded++;
        else opened.push(alert);
      }
      if (first) baseline.push({ rule: name, subjects: recorded });
    }
  });
  return { month: month.snapshot, opened, closed, baseline };
}
