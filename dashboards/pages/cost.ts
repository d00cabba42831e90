import { groupedBars, lines, stackedBars } from "../marks.ts";
import { definePage } from "../page.ts";
import { lastPeriods } from "./periods.ts";

const money = (label: string, currency: string) => `${label} (${currency})`;

/** Cost to retain: what the CFO reviews by segment. */
export const costPage = definePage({
  file: "cost.html",
  nav: "Cost to retain",
  title: "Cost to retain",
  intro:
    "Retention cost is the config's retention cost centres (by default CSM, support, onboarding, CS ops and renewals). A cost booked with no segment is shared between segments by their ARR that month. Ratios use the twelve months to each fiscal year end.",
  // Every money tile over the same twelve months as the ratios beside it (the quarter's cost is charted below).
  tiles: {
    metrics: ["cost_to_retain", "cs_cost_pct_revenue", "arr_per_csm", "retention_cost_window"],
    query: { grain: "quarter", window: 12 },
  },
  sections: [
    {
      title: "By segment",
      blocks: [
        {
          kind: "chart",
          id: "cost-to-retain-by-segment",
          title: "Cost to retain per dollar of ARR, by segment and fiscal year",
          description: "Bars: retention cost over the fiscal year divided by the ARR the segment started the year with.",
          query: { metrics: ["cost_to_retain"], by: ["segment"], grain: "year", window: 12 },
          plot: (rows, context) =>
            groupedBars(
              lastPeriods(rows, 3),
              {
                y: "cost_to_retain",
                by: "segment",
                format: "ratio",
                label: `Cost per ${context.currency} 1 of ARR`,
                targets: context.targetOf("cost_to_retain"),
              },
              context,
            ),
        },
        {
          kind: "metric_table",
          id: "cost-table-by-segment",
          title: "Cost to retain by segment, by fiscal year",
          description: "Cost to retain, cost per retained dollar, CS cost as a share of revenue, and ARR and accounts per CSM, by segment.",
          query: {
            metrics: [
              "retention_cost_window",
              "cost_to_retain",
              "cost_per_retained_dollar",
              "cs_cost_pct_revenue",
              "arr_per_csm",
              "accounts_per_csm",
            ],
            by: ["segment"],
            grain: "year",
            window: 12,
          },
          last: 2,
        },
      ],
    },
    {
      title: "Over time",
      blocks: [
        {
          kind: "chart",
          id: "cost-retention-by-segment",
          title: "Retention cost by segment, last twelve quarters",
          description: "Stacked bars: retention cost booked in each fiscal quarter, per segment after allocation.",
          query: { metrics: ["retention_cost"], by: ["segment"], grain: "quarter" },
          plot: (rows, context) =>
            stackedBars(
              lastPeriods(rows, 12),
              { y: "retention_cost", by: "segment", format: "currency", label: money("Retention cost", context.currency) },
              context,
            ),
        },
        {
          kind: "chart",
          id: "cost-pct-revenue",
          title: "CS cost as a share of revenue, trailing 12 months, by segment, last twelve quarters",
          description:
            "Lines: retention cost over the twelve months to each quarter end, divided by the recurring revenue of those months.",
          query: { metrics: ["cs_cost_pct_revenue"], by: ["segment"], grain: "quarter", window: 12 },
          plot: (rows, context) =>
            lines(
              lastPeriods(rows, 12),
              { y: "cs_cost_pct_revenue", by: "segment", format: "percent", label: "CS cost / revenue (%)" },
              context,
            ),
        },
        {
          kind: "chart",
          id: "cost-arr-per-csm",
          title: "ARR per CSM by segment, last twelve quarter ends",
          description: "Lines: ARR of paying accounts divided by the CSMs who own them, per segment.",
          query: { metrics: ["arr_per_csm"], by: ["segment"], grain: "quarter" },
          plot: (rows, context) =>
            lines(
              lastPeriods(rows, 12),
              { y: "arr_per_csm", by: "segment", format: "currency", label: money("ARR per CSM", context.currency) },
              context,
            ),
        },
      ],
    },
    {
      title: "Cost mix",
      blocks: [
        {
          kind: "chart",
          id: "cost-mix-by-centre",
          title: "Retention cost by cost centre, last twelve quarters",
          description: "Stacked bars: retention cost booked in each fiscal quarter, per cost centre.",
          query: { metrics: ["retention_cost"], by: ["cost_center"], grain: "quarter" },
          plot: (rows, context) =>
            stackedBars(
              lastPeriods(rows, 12).map((r) => ({ ...r, cost_center: costCentreName(r.cost_center) })),
              { y: "retention_cost", by: "cost_center", format: "currency", label: money("Retention cost", context.currency) },
              context,
            ),
        },
      ],
    },
  ],
});

const COST_CENTRES: Record<string, string> = {
  csm: "CSMs",
  cs_ops: "CS operations",
  support: "Support",
  onboarding: "Onboarding",
  renewals: "Renewals",
};

/** A finance cost centre as people say it: the usual ones named, others with their underscores as spaces. */
function costCentreName(id: unknown): string {
  const text = String(id ?? "");
  return COST_CENTRES[text] ?? text.replaceAll("_", " ").replace(/^./, (c) => c.toUpperCase());
}
