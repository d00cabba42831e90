import { z } from "zod";
import { formatMoney } from "../core/format.ts";

const severity = z.enum(["info", "low", "medium", "high", "critical"]);
const common = {
  /** The rule's name in meta.alerts and the outlets; defaults to its kind. Two rules may not share one. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, "rule names are lower-case words, e.g. red_enterprise")
    .optional(),
  severity: severity.default("medium"),
  /** Accounts with less ARR than this in the month evaluated raise nothing (a $720 account's renewal is not a CS alert). */
  minArr: z.number().min(0).optional(),
};

/** The kinds of alert rule (DESIGN.md "React: alerts"), each with its parameters. */
export const alertRuleSchema = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("turned_red") }).strict(),
  z.object({ ...common, kind: z.literal("score_drop"), points: z.number().positive().default(15) }).strict(),
  /** Usage events in the last 30 days fell this many percent against the 30 days before. */
  z.object({ ...common, kind: z.literal("usage_drop"), percent: z.number().gt(0).lte(100).default(50) }).strict(),
  z.object({ ...common, kind: z.literal("champion_left") }).strict(),
  /** An NPS answer of at most `maxScore` (a detractor: 0–6). */
  z.object({ ...common, kind: z.literal("detractor"), maxScore: z.number().int().min(0).max(10).default(6) }).strict(),
  /** A renewal due within `days` of the as-of date while the account's band is one of `bands`. */
  z
    .object({
      ...common,
      kind: z.literal("renewal_at_risk"),
      days: z.number().int().min(1).max(730).default(90),
      bands: z.array(z.string().min(1)).min(1).default(["red", "yellow"]),
    })
    .strict(),
  /** The book's risk-weighted ARR at risk reaches this share of ARR: the leadership threshold. */
  z.object({ ...common, kind: z.literal("book_at_risk"), share: z.number().gt(0).lt(1).default(0.1) }).strict(),
  /**
   * A team's own rule (a project's alerts/NAME.sql): a SELECT of subject, account_id, value_now,
   * value_before and detail for the month evaluated, $1 (a month_index).
   */
  z
    .object({
      ...common,
      kind: z.literal("sql"),
      name: common.name.unwrap(),
      sql: z.string().regex(/\$1\b/, "the SQL must read the month evaluated as $1"),
      /** Where it was written, for messages. */
      file: z.string().optional(),
    })
    .strict(),
]);
export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertKind = AlertRule["kind"];

export const DEFAULT_ALERT_RULES: z.input<typeof alertRuleSchema>[] = [
  { kind: "turned_red", severity: "high" },
  { kind: "score_drop", points: 20, severity: "medium" },
  { kind: "usage_drop", percent: 50, severity: "medium" },
  { kind: "champion_left", severity: "high" },
  { kind: "detractor", severity: "medium" },
  { kind: "renewal_at_risk", days: 90, bands: ["red", "yellow"], severity: "high" },
  { kind: "book_at_risk", share: 0.1, severity: "critical" },
];

/**
 * What a rule finds true in the month evaluated ($1, a month_index): one row per subject, the key an
 * episode is tracked by (an account, or an account and the contact, answer or renewal concerned), with
 * the account, the value now and before, and a detail in words. The same SQL on every engine. A rule
 * of a transition (turned red) gives every subject in the state with `opens` true only where the month
 * made the transition: an episode opens on the transition and stays open while the state holds.
 */
export interface RuleQuery {
  sql: string;
  parameters: (string | number)[];
  /** The tables it reads, for the asset graph. */
  reads: string[];
}

export function ruleQuery(rule: AlertRule, monthIndex: number): RuleQuery {
  const health = `
    FROM marts.health_scores AS h
    LEFT JOIN marts.health_scores AS prev ON prev.account_id = h.account_id AND prev.month_index = h.month_index - 1
    WHERE h.month_index = $1`;
  switch (rule.kind) {
    case "turned_red":
      return {
        // Red is a state; turning red is from green or yellow the month before (never from unscored or no month).
        sql: `SELECT h.account_id AS subject, h.account_id, {{ float(h.score) }} AS value_now, {{ float(prev.score) }} AS value_before,
          h.weakest_measure AS detail, coalesce(prev.health_band IN ('green', 'yellow') AND NOT prev.is_red, false) AS opens ${health} AND h.is_red`,
        parameters: [monthIndex],
        reads: ["marts.health_scores"],
      };
    case "score_drop":
      return {
        sql: `SELECT h.account_id AS subject, h.account_id, {{ float(h.score) }} AS value_now, {{ float(prev.score) }} AS value_before,
          h.weakest_measure AS detail ${health} AND prev.score - h.score >= $2`,
        parameters: [monthIndex, rule.points],
        reads: ["marts.health_scores"],
      };
    case "usage_drop":
      return {
        sql: `SELECT account_id AS subject, account_id, {{ float(usage_trend) }} AS value_now, CAST(NULL AS DOUBLE PRECISION) AS value_before,
          CAST(NULL AS VARCHAR) AS detail
          FROM marts.health_inputs WHERE month_index = $1 AND usage_trend <= $2`,
        parameters: [monthIndex, -rule.percent / 100],
        reads: ["marts.health_inputs"],
      };
    case "champion_left":
      return {
        sql: `SELECT c.account_id || ':' || c.contact_id AS subject, c.account_id, CAST(NULL AS DOUBLE PRECISION) AS value_now,
          CAST(NULL AS DOUBLE PRECISION) AS value_before, coalesce(c.title, c.contact_id) AS detail
          FROM staging.crm_contacts AS c
          JOIN marts.months AS m ON m.month_index = $1
          JOIN marts.account_months AS am ON am.account_id = c.account_id AND am.month_index = m.month_index AND am.arr > 0
          WHERE c.role = 'champion' AND c.left_at >= m.month AND c.left_at <= m.snapshot_date`,
        parameters: [monthIndex],
        reads: ["staging.crm_contacts", "marts.months", "marts.account_months"],
      };
    case "detractor":
      return {
        sql: `SELECT s.account_id || ':' || s.response_id AS subject, s.account_id, {{ float(s.score) }} AS value_now,
          CAST(NULL AS DOUBLE PRECISION) AS value_before, s.comment AS detail
          FROM marts.survey_answers AS s
          WHERE s.month_index = $1 AND s.survey = 'nps' AND s.score <= $2`,
        parameters: [monthIndex, rule.maxScore],
        reads: ["marts.survey_answers"],
      };
    case "renewal_at_risk": {
      const bands = rule.bands.map((_, i) => `$${i + 3}`).join(", ");
      return {
        sql: `SELECT r.account_id || ':' || {{ format_time(r.due_date, '%Y-%m-%d') }} AS subject, r.account_id,
          {{ float(r.arr_due) }} AS value_now, CAST(NULL AS DOUBLE PRECISION) AS value_before,
          h.health_band || ' health, due ' || {{ format_time(r.due_date, '%Y-%m-%d') }} AS detail
          FROM marts.renewals AS r
          JOIN marts.months AS m ON m.month_index = $1
          JOIN marts.health_scores AS h ON h.account_id = r.account_id AND h.month_index = m.month_index
          WHERE r.due_date > m.snapshot_date AND r.due_date <= {{ add_days(m.snapshot_date, $2) }} AND h.health_band IN (${bands})`,
        parameters: [monthIndex, rule.days, ...rule.bands],
        reads: ["marts.renewals", "marts.months", "marts.health_scores"],
      };
    }
    case "sql":
      return {
        sql: rule.sql,
        parameters: [monthIndex],
        reads: [...new Set([...rule.sql.matchAll(/\b(marts|staging|raw)\.([a-z_][a-z0-9_]*)\b/g)].map((m) => `${m[1]}.${m[2]}`))].sort(),
      };
    case "book_at_risk":
      return {
        sql: `SELECT 'book' AS subject, CAST(NULL AS VARCHAR) AS account_id,
          {{ divide(sum(risk_weighted_arr), nullif(sum(arr), 0)) }} AS value_now, CAST(NULL AS DOUBLE PRECISION) AS value_before,
          CAST(NULL AS VARCHAR) AS detail
          FROM marts.account_risk WHERE month_index = $1
          HAVING {{ divide(sum(risk_weighted_arr), nullif(sum(arr), 0)) }} >= $2`,
        parameters: [monthIndex, rule.share],
        reads: ["marts.account_risk"],
      };
  }
}

/** One line a person reads: what happened, to whom, with the numbers. */
export function alertMessage(
  rule: AlertRule,
  currency: string,
  row: {
    account_id: string | null;
    name: string | null;
    owner_csm?: string | null;
    arr?: number | null;
    value_now: number | null;
    value_before: number | null;
    detail: string | null;
  },
): string {
  const what = eventOf(rule, currency, row);
  if (!row.account_id) return what;
  // Who acts on it, and what is at stake.
  return `${what} — owner ${row.owner_csm ?? "none"}, ARR ${formatMoney(Number(row.arr ?? 0), currency)}`;
}

function eventOf(rule: AlertRule, currency: string, row: Parameters<typeof alertMessage>[2]): string {
  const who = row.account_id ? `${row.name ?? row.account_id} (${row.account_id})` : "The book";
  const score = (v: number | null) => (v === null ? "—" : v.toFixed(0));
  switch (rule.kind) {
    case "turned_red":
      return `${who} turned red: health ${score(row.value_now)}${row.value_before === null ? "" : ` (was ${score(row.value_before)})`}${row.detail ? `, weakest: ${row.detail}` : ""}`;
    case "score_drop":
      return `${who} health fell ${score((row.value_before ?? 0) - (row.value_now ?? 0))} points in a month, to ${score(row.value_now)}${row.detail ? ` (weakest: ${row.detail})` : ""}`;
    case "usage_drop":
      return `${who} usage fell ${Math.round(-(row.value_now ?? 0) * 100)}% against the prior 30 days`;
    case "champion_left":
      return `${who} lost a champion: ${row.detail ?? "a contact"}`;
    case "detractor":
      return `${who} answered NPS ${score(row.value_now)}${row.detail ? `: "${row.detail.slice(0, 140)}"` : ""}`;
    case "renewal_at_risk":
      return `${who} renews within ${rule.days} days (${row.detail ?? "poor health"}): ${formatMoney(row.value_now ?? 0, currency)} ARR due`;
    case "sql":
      return `${who}: ${row.detail ?? rule.name}`;
    case "book_at_risk":
      return `Risk-weighted ARR at risk is ${((row.value_now ?? 0) * 100).toFixed(1)}% of ARR (threshold ${(rule.share * 100).toFixed(1)}%)`;
  }
}
