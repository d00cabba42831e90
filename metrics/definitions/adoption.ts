import { defineMetric } from "../definition.ts";

export const licenseUtilization = defineMetric({
  name: "license_utilization",
  label: "Licence utilisation",
  description:
    "Users active in the 30 days up to the period's last day, over the seats of the lines active that day, across paying accounts.",
  formula: "Σ active users (30 d) / Σ seats, at the period end",
  format: "percent",
  type: "derived",
  expression: "active_users_30d / nullif(seats, 0)",
});

export const activeUsers30d = defineMetric({
  name: "active_users_30d",
  label: "Active users (30 days)",
  description: "Distinct users with any event in the 30 days up to the period's last day.",
  formula: "Σ_accounts |{users with an event in (t − 30 d, t]}|",
  format: "count",
  type: "period_aggregate",
  table: "account_usage_months",
  agg: "sum",
  measure: "f.active_users_30d",
  filter: "f.month_index = p.month_index",
});

export const seats = defineMetric({
  name: "seats",
  label: "Seats",
  description: "Quantity of the subscription lines active on the period's last day.",
  formula: "Σ quantity of lines active at t",
  format: "count",
  type: "period_aggregate",
  table: "account_usage_months",
  agg: "sum",
  measure: "f.seats",
  filter: "f.month_index = p.month_index",
});

export const dauMau = defineMetric({
  name: "dau_mau",
  label: "DAU/MAU",
  description: "Average daily active users over the period's last month, over the users active that month (stickiness).",
  formula: "Σ avg daily active users / Σ monthly active users, in the period's last month",
  format: "percent",
  type: "derived",
  expression: "daily_active_users / nullif(monthly_active_users, 0)",
});

export const dailyActiveUsers = defineMetric({
  name: "daily_active_users",
  label: "Daily active users",
  description: "Average over the days of the period's last month of the users active that day.",
  formula: "Σ_accounts avg_days |{users with an event that day}|",
  format: "count",
  type: "period_aggregate",
  table: "account_usage_months",
  agg: "sum",
  measure: "f.average_daily_active_users",
  filter: "f.month_index = p.month_index",
});

export const monthlyActiveUsers = defineMetric({
  name: "monthly_active_users",
  label: "Monthly active users",
  description: "Users with any event in the period's last month.",
  formula: "Σ_accounts |{users with an event in the month}|",
  format: "count",
  type: "period_aggregate",
  table: "account_usage_months",
  agg: "sum",
  measure: "f.monthly_active_users",
  filter: "f.month_index = p.month_index",
});

export const adoptionBreadth = defineMetric({
  name: "adoption_breadth",
  label: "Key features used (30 days)",
  description:
    "Mean number of distinct key features (config health.keyEvents) each account used in the 30 days up to the period's last day, over accounts with seats.",
  formula: "avg_accounts |{key events in (t − 30 d, t]}|",
  format: "ratio",
  unit: "features",
  type: "period_aggregate",
  table: "account_usage_months",
  agg: "avg",
  measure: "f.key_features_30d",
  filter: "f.month_index = p.month_index AND f.seats > 0",
});
