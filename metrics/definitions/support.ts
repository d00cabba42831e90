import { defineMetric } from "../definition.ts";

const byMonthOpened = "Counted in the period the ticket was opened, grouped by the account's dimensions that month.";

export const tickets = defineMetric({
  name: "tickets",
  better: "lower",
  label: "Tickets",
  description: `Support tickets opened in the period. ${byMonthOpened}`,
  formula: "|{tickets created in the period}|",
  format: "count",
  type: "period_aggregate",
  table: "tickets",
  agg: "count",
  measure: "f.ticket_id",
});

export const ticketsPerAccount = defineMetric({
  name: "tickets_per_account",
  better: "lower",
  label: "Tickets per account",
  description: "Tickets opened in the period per paying account at the period's end.",
  formula: "tickets / customers",
  format: "ratio",
  unit: "per account",
  type: "derived",
  expression: "tickets / nullif(customers, 0)",
});

export const firstResponseHoursMedian = defineMetric({
  name: "first_response_hours_median",
  better: "lower",
  label: "Median first response (hours)",
  description: `Median hours from a ticket's creation to its first response, over tickets that have one. ${byMonthOpened}`,
  formula: "median(first_response_at − created_at) in hours",
  format: "ratio",
  unit: "hours",
  type: "period_aggregate",
  table: "tickets",
  agg: "median",
  measure: "f.first_response_hours",
});

export const firstResponseHoursP75 = defineMetric({
  name: "first_response_hours_p75",
  better: "lower",
  label: "First response, 75th percentile (hours)",
  description: `Hours within which three in four tickets got a first response, over tickets that have one. ${byMonthOpened}`,
  formula: "p75(first_response_at − created_at) in hours",
  format: "ratio",
  unit: "hours",
  type: "period_aggregate",
  table: "tickets",
  agg: "percentile",
  quantile: 0.75,
  measure: "f.first_response_hours",
});

export const slaBreaches = defineMetric({
  name: "sla_breaches",
  better: "lower",
  label: "SLA breaches",
  description:
    "High and urgent tickets opened in the period whose first response took more than 8 hours, or that have no first response yet.",
  formula: "|{high/urgent tickets with first response > 8 h}|",
  format: "count",
  type: "period_aggregate",
  table: "tickets",
  agg: "count",
  measure: "f.ticket_id",
  filter: "f.priority IN ('high', 'urgent') AND (f.first_response_hours > 8 OR f.first_response_hours IS NULL)",
});
