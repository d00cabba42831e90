import { lines, stackedBars } from "../marks.ts";
import { definePage } from "../page.ts";

/** The way in: headline retention numbers and how they moved, by segment. */
export const indexPage = definePage({
  file: "index.html",
  title: "Retention overview",
  intro:
    "ARR at each fiscal quarter end, and trailing-twelve-month net and gross revenue retention by segment. Retention groups each account by its segment at the start of the window.",
  tiles: { metrics: ["arr", "nrr", "grr", "logo_churn"], query: { grain: "quarter", window: 12 } },
  charts: [
    {
      id: "arr-by-segment",
      title: "ARR by segment at each quarter end",
      description: "Stacked bars: annual recurring revenue at each fiscal quarter end, split by segment.",
      query: { metrics: ["arr"], by: ["segment"], grain: "quarter" },
      plot: (rows, context) =>
        stackedBars(rows, { y: "arr", by: "segment", format: "currency", label: `ARR (${context.currency})` }, context),
    },
    {
      id: "nrr-by-segment",
      title: "Net revenue retention by segment, trailing 12 months",
      description: "Lines: trailing-twelve-month NRR at each fiscal quarter end, one line per segment; the dashed line is 100%.",
      query: { metrics: ["nrr"], by: ["segment"], grain: "quarter", window: 12 },
      plot: (rows, context) => lines(rows, { y: "nrr", by: "segment", format: "percent", label: "NRR (%)" }, context),
    },
    {
      id: "grr-by-segment",
      title: "Gross revenue retention by segment, trailing 12 months",
      description: "Lines: trailing-twelve-month GRR at each fiscal quarter end, one line per segment; the dashed line is 100%.",
      query: { metrics: ["grr"], by: ["segment"], grain: "quarter", window: 12 },
      plot: (rows, context) => lines(rows, { y: "grr", by: "segment", format: "percent", label: "GRR (%)" }, context),
    },
  ],
});

export const pages = [indexPage];
