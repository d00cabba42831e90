import type { MetricRow } from "../../metrics/query.ts";
import { groupedBars, lines, metricSeries, waterfall } from "../marks.ts";
import { definePage } from "../page.ts";
import { bandBars } from "./bands.ts";
import { lastPeriods } from "./periods.ts";

/** The board retention report: what the CS leader prints into the quarterly deck. */
export const boardPage = definePage({
  file: "board.html",
  print: true,
  nav: "Board",
  title: "Board retention report",
  intro:
    "Fiscal quarters. Retention is trailing twelve months: accounts paying twelve months before the quarter end, grouped by their segment then. Amounts are ARR in constant currency.",
  tiles: { metrics: ["arr", "customers", "nrr", "grr", "logo_churn", "risk_weighted_arr"], query: { grain: "quarter", window: 12 } },
  sections: [
    {
      title: "Retention trend",
      blocks: [
        {
          kind: "chart",
          id: "board-nrr-grr-trend",
          title: "NRR and GRR, trailing 12 months, last eight quarters",
          description: "Lines: net and gross revenue retention at each of the last eight fiscal quarter ends; the dashed line is 100%.",
          query: { metrics: ["nrr", "grr"], grain: "quarter", window: 12 },
          plot: (rows, context) =>
            lines(
              metricSeries(lastPeriods(rows, 8), ["nrr", "grr"], context),
              {
                y: "value",
                by: "series",
                format: "percent",
                label: "Retention (%)",
                reference: 1,
                targets: [...(context.targetOf("nrr") ?? []), ...(context.targetOf("grr") ?? [])],
              },
              context,
            ),
        },
        {
          kind: "chart",
          id: "board-arr-bridge",
          title: "ARR bridge, last four quarters",
          description:
            "Waterfall per quarter: opening ARR, then new, reactivation, expansion, contraction and churned ARR, to closing ARR.",
          query: {
            metrics: ["opening_arr", "new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr", "arr"],
            grain: "quarter",
          },
          plot: (rows, context) => ({ ...waterfall(lastPeriods(rows, 4), context), height: 360 }),
        },
        {
          kind: "metric_table",
          id: "board-arr-bridge-table",
          title: "ARR bridge, last four quarters, as a table",
          description: "Opening ARR, each movement and closing ARR per fiscal quarter: opening + movements = closing, to the cent.",
          query: {
            metrics: ["opening_arr", "new_arr", "reactivation_arr", "expansion_arr", "contraction_arr", "churned_arr", "arr"],
            grain: "quarter",
          },
          last: 4,
        },
      ],
    },
    {
      title: "Retention by segment",
      blocks: [
        {
          kind: "chart",
          id: "board-nrr-by-segment",
          title: "NRR by segment, trailing 12 months, last four quarters",
          description: "Bars: net revenue retention per segment at each of the last four fiscal quarter ends.",
          query: { metrics: ["nrr"], by: ["segment"], grain: "quarter", window: 12 },
          plot: (rows, context) =>
            groupedBars(lastPeriods(rows, 4), { y: "nrr", by: "segment", format: "percent", label: "NRR (%)" }, context),
        },
        {
          kind: "metric_table",
          id: "board-retention-table",
          title: "Retention by segment, last quarter",
          description: "ARR, paying customers, NRR, GRR and logo churn by segment at the last fiscal quarter end, trailing 12 months.",
          query: { metrics: ["arr", "customers", "nrr", "grr", "logo_churn"], by: ["segment"], grain: "quarter", window: 12 },
          last: 1,
        },
      ],
    },
    {
      title: "ARR at risk",
      intro:
        "Risk-weighted: each paying account's ARR × the share of ARR its health band and segment went on to lose within the backtest's horizon, over every band. Red accounts renewing within 180 days are the narrower figure beside it.",
      blocks: [
        {
          kind: "chart",
          id: "board-at-risk-arr",
          title: "Risk-weighted ARR at risk by health band, last eight quarters",
          description: "Stacked bars: Σ ARR × p_loss of the accounts in each health band at each fiscal quarter end.",
          query: { metrics: ["risk_weighted_arr"], by: ["health_band"], grain: "quarter" },
          plot: (rows: MetricRow[], context) =>
            bandBars(
              lastPeriods(rows, 8),
              { y: "risk_weighted_arr", format: "currency", label: `ARR at risk (${context.currency})` },
              context,
            ),
        },
        {
          kind: "metric_table",
          id: "board-at-risk-table",
          title: "ARR at risk by segment, last quarter",
          description: "Risk-weighted ARR at risk over every band, and the ARR and count of red accounts renewing within 180 days.",
          query: { metrics: ["arr", "risk_weighted_arr", "at_risk_arr", "at_risk_accounts"], by: ["segment"], grain: "quarter" },
          last: 1,
        },
      ],
    },
  ],
});
