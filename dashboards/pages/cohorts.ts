import * as Plot from "@observablehq/plot";
import { formatValue } from "../../core/format.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { heatmap } from "../marks.ts";
import type { ChartContext, SectionSpec } from "../page.ts";
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
        // Each point links to the accounts behind it, as every chart mark does.
        ...(context.drillHref ? { href: (r: MetricRow) => context.drillHref?.(r, metric) } : {}),
      }),
    ],
  };
}

/** Cohorts this small move on one account: their rows say so. */
const SMALL_COHORT = 10;

const heat = (metric: string) => (rows: MetricRow[], context: ChartContext) => {
  const cells = aged(rows, context);
  // A cohort's size is its accounts at age 0, the quarter it started.
  const size = new Map(cells.filter((r) => r.age === 0).map((r) => [String(r.cohort_quarter), Number(r.cohort_accounts ?? 0)]));
  return heatmap(
    cells,
    {
      x: "age",
      y: "cohort_quarter",
      value: metric,
      format: "percent",
      xLabel: "Quarters since first paid quarter",
      yLabel: "Cohort (accounts)",
      rowLabel: (cohort) => {
        const n = size.get(cohort);
        return n === undefined ? cohort : `${cohort} · n=${n}${n < SMALL_COHORT ? " (small)" : ""}`;
      },
    },
    context,
  );
};

/** A heatmap and curves of one cohort retention metric, by quarterly cohort and age. */
function cohortSection(kind: "revenue" | "logo", metric: string, cell: string): SectionSpec {
  const noun = kind === "revenue" ? "Revenue retention" : "Logo retention";
  const query = { metrics: [metric, "cohort_accounts"], by: ["cohort_quarter"], grain: "quarter" as const };
  return {
    title: noun,
    blocks: [
      {
        kind: "chart",
        id: `cohort-${kind}-heatmap`,
        title: `${noun} by quarterly cohort and age (%)`,
        description: `Heatmap: one row per cohort, one column per quarter of age; each cell is ${cell}.`,
        query,
        plot: heat(metric),
      },
      {
        kind: "chart",
        id: `cohort-${kind}-curves`,
        title: `${noun} curves by quarterly cohort`,
        description: `Lines: each cohort's ${noun.toLowerCase()} by quarters of age; the dashed line is 100%.`,
        query,
        plot: (rows, context) => curves(rows, metric, context),
      },
    ],
  };
}

/** Cohorts: how each quarter's new customers kept and grew their revenue. */
export const cohortsPage = definePage({
  file: "cohorts.html",
  nav: "Cohorts",
  title: "Cohort retention",
  intro:
    "A cohort is the accounts whose first paid month fell in a fiscal quarter. Revenue retention at age k is the cohort's ARR k quarters later over its ARR in each account's first paid month; logo retention counts accounts still paying.",
  sections: [
    cohortSection("revenue", "cohort_revenue_retention", "the cohort's ARR then over its starting ARR, in percent"),
    cohortSection("logo", "cohort_logo_retention", "the share of the cohort's accounts still paying"),
  ],
});
