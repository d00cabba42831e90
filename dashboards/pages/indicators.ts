import type { ValueFormat } from "../../core/format.ts";
import type { MetricRow } from "../../metrics/query.ts";
import { lines } from "../marks.ts";
import { type ChartBlock, type ChartContext, definePage } from "../page.ts";
import { lastPeriods } from "./periods.ts";

/** One leading indicator by segment over the last eight quarters, with its target when the config sets one. */
function bySegment(id: string, metric: string, title: string, description: string, format: ValueFormat, label: string): ChartBlock {
  return {
    kind: "chart",
    id,
    title,
    description,
    query: { metrics: [metric], by: ["segment"], grain: "quarter" },
    plot: (rows: MetricRow[], context: ChartContext) =>
      lines(lastPeriods(rows, 8), { y: metric, by: "segment", format, label, targets: context.targetOf(metric) }, context),
  };
}

/** The leading indicators the CFO panel asks for: adoption, the voice of the customer, support. */
export const indicatorsPage = definePage({
  file: "indicators.html",
  nav: "Indicators",
  title: "Leading indicators",
  intro:
    "What moves before retention does, by segment at each fiscal quarter end: adoption (licence use, DAU/MAU, breadth of key features), the voice of the customer (NPS, CSAT, effort, with how many answers each rests on) and support (tickets per account, first response, SLA breaches). Dashed green lines are the config's targets.",
  tiles: {
    metrics: ["license_utilization", "dau_mau", "nps", "csat_satisfied", "first_response_hours_median"],
    query: { grain: "quarter" },
  },
  sections: [
    {
      title: "Adoption",
      blocks: [
        bySegment(
          "indicators-license-utilization",
          "license_utilization",
          "Licence utilisation by segment",
          "Lines: users active in the last 30 days over seats paid for, per segment at each quarter end.",
          "percent",
          "Active users / seats (%)",
        ),
        bySegment(
          "indicators-dau-mau",
          "dau_mau",
          "DAU/MAU by segment",
          "Lines: average daily active users over monthly active users, per segment, in each quarter's last month.",
          "percent",
          "DAU/MAU (%)",
        ),
        bySegment(
          "indicators-breadth",
          "adoption_breadth",
          "Key features used by segment",
          "Lines: the mean number of distinct key features an account used in the last 30 days, per segment.",
          "ratio",
          "Key features (30 days)",
        ),
      ],
    },
    {
      title: "Voice of the customer",
      blocks: [
        bySegment(
          "indicators-nps",
          "nps",
          "NPS by segment",
          "Lines: % promoters − % detractors of each contact's latest answer in the quarter, per segment, as a score from −100 to +100.",
          "nps",
          "NPS (−100 to +100)",
        ),
        bySegment(
          "indicators-csat",
          "csat_satisfied",
          "CSAT satisfied by segment",
          "Lines: the share of CSAT answers that were 4–5 of 5 (or good) in the quarter, per segment.",
          "percent",
          "Satisfied (%)",
        ),
        bySegment(
          "indicators-ces",
          "ces_avg",
          "Customer effort by segment",
          "Lines: the average customer-effort score (1–7) in the quarter, per segment.",
          "ratio",
          "CES (1–7)",
        ),
        {
          kind: "metric_table",
          id: "indicators-answers",
          title: "Answers each figure rests on, last four quarters",
          description: "NPS, CSAT and CES answers per segment and quarter: a figure on few answers moves on one customer.",
          query: { metrics: ["nps_responses", "csat_responses", "ces_responses"], by: ["segment"], grain: "quarter" },
          last: 4,
        },
      ],
    },
    {
      title: "Support",
      blocks: [
        bySegment(
          "indicators-tickets-per-account",
          "tickets_per_account",
          "Tickets per account by segment",
          "Lines: tickets opened in the quarter per paying account at its end, per segment.",
          "ratio",
          "Tickets per account",
        ),
        bySegment(
          "indicators-first-response",
          "first_response_hours_median",
          "First response by segment",
          "Lines: the median hours to a first response of the quarter's tickets, per segment.",
          "ratio",
          "Hours (median)",
        ),
        bySegment(
          "indicators-sla-breaches",
          "sla_breaches",
          "SLA breaches by segment",
          "Lines: high and urgent tickets first answered after 8 hours (or not yet), per segment and quarter.",
          "count",
          "Breaches",
        ),
      ],
    },
  ],
});
