import * as Plot from "@observablehq/plot";
import { formatValue } from "../../core/format.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { heatmap } from "../marks.ts";
import type { ChartContext } from "../page.ts";
import { definePage } from "../page.ts";
import { quartersBetween } from "./periods.ts";

/** Cohort rows with their age in quarters; cohorts not started yet (negative age) dropped. */
function aged(rows: readonly MetricRow[], context: ChartContext): MetricRow[] {
  return rows
    .map((r) => ({ ...r, age: quartersBetween(String(r.cohort_quarter), context.periodLabel(String(r.period))) }))
    .filter((r) => r.age !== null && r.age >= 0);
}

function curves(rows: MetricRow[], metric: string, context: ChartContext): Plot.PlotOptions {
  const defined = aged(rows, context).filter((r) => r[metric] !== null);
  return {
    x: { label: "Quarters since the cohort's first paid quarter", grid: true },
    y: { label: `${context.labelOf(metric)} (%)`, grid: true, tickFormat: (v: number) => `${Math.round(v * 100)}%` },
    color: { legend: true, type: "ordinal", scheme: "viridis" },
    marks: [
      Plot.ruleY([1], { strokeDasharray: "4,3", strokeOpacity: 0.4 }),
      Plot.line(defined, { x: "age", y: metric, stroke: "cohort_quarter", z: "cohort_quarter" }),
      Plot.dot(defined, {
        x: "age",
        y: metric,
        fill: "cohort_quarter",
        r: 2,
        title: (r: MetricRow) => `${r.cohort_quarter} · quarter ${r.age}\n${formatValue(r[metric] as number, "percent")}`,
      }),
    ],
  };
}

const heat = (metric: string) => (rows: MetricRow[], context: ChartContext) =>
  heatmap(
    aged(rows, context),
    { x: "age", y: "cohort_quarter", value: metric, format: "percent", xLabel: "Quarters since first paid quarter", yLabel: "Cohort" },
    context,
  );

/** Cohorts: how each quarter's new customers kept and grew their revenue. */
export const cohortsPage = definePage({
  file: "cohorts.html",
  nav: "Cohorts",
  title: "Cohort retention",
  intro:
    "A cohort is the accounts whose first paid month fell in a fiscal quarter. Revenue retention at age k is the cohort's ARR k quarters later over its ARR in each account's first paid month; logo retention counts accounts still paying.",
  sections: [
    {
      title: "Revenue retention",
      blocks: [
        {
          kind: "chart",
          id: "cohort-revenue-heatmap",
          title: "Revenue retention by quarterly cohort and age (%)",
          description:
            "Heatmap: one row per cohort, one column per quarter of age; each cell is the cohort's ARR then over its starting ARR, in percent.",
          query: { metrics: ["cohort_revenue_retention"], by: ["cohort_quarter"], grain: "quarter" },
          plot: heat("cohort_revenue_retention"),
        },
        {
          kind: "chart",
          id: "cohort-revenue-curves",
          title: "Revenue retention curves by quarterly cohort",
          description: "Lines: each cohort's revenue retention by quarters of age; the dashed line is 100%.",
          query: { metrics: ["cohort_revenue_retention"], by: ["cohort_quarter"], grain: "quarter" },
          plot: (rows, context) => curves(rows, "cohort_revenue_retention", context),
        },
      ],
    },
    {
      title: "Logo retention",
      blocks: [
        {
          kind: "chart",
          id: "cohort-logo-heatmap",
          title: "Logo retention by quarterly cohort and age (%)",
          description:
            "Heatmap: one row per cohort, one column per quarter of age; each cell is the share of the cohort's accounts still paying.",
          query: { metrics: ["cohort_logo_retention"], by: ["cohort_quarter"], grain: "quarter" },
          plot: heat("cohort_logo_retention"),
        },
        {
          kind: "chart",
          id: "cohort-logo-curves",
          title: "Logo retention curves by quarterly cohort",
          description: "Lines: the share of each cohort's accounts still paying, by quarters of age.",
          query: { metrics: ["cohort_logo_retention"], by: ["cohort_quarter"], grain: "quarter" },
          plot: (rows, context) => curves(rows, "cohort_logo_retention", context),
        },
      ],
    },
  ],
});
