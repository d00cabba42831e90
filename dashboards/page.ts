import type { PlotOptions } from "@observablehq/plot";
import type { MetricQuery } from "../metrics/compile.ts";
import type { MetricRow } from "../metrics/query.ts";

/** What a chart needs to know beyond its rows. */
export interface ChartContext {
  currency: string;
  /** Fiscal quarter label ("FY2026 Q1") for a period's last day. */
  periodLabel(period: string): string;
}

export interface ChartSpec {
  /** File-safe id; the chart's data is downloadable as data/<id>.csv. */
  id: string;
  /** States the chart's subject, e.g. "ARR by segment, quarter ends". */
  title: string;
  /** One sentence for screen readers and the figure caption. */
  description: string;
  query: MetricQuery;
  plot(rows: MetricRow[], context: ChartContext): PlotOptions;
}

/** Headline numbers: each metric's value in the last period and its change from the one before. */
export interface TilesSpec {
  metrics: string[];
  /** One query for all the tiles (grain, window, …); it must return one row per period. */
  query: Omit<MetricQuery, "metrics" | "by">;
}

export interface PageSpec {
  file: string;
  title: string;
  intro: string;
  tiles?: TilesSpec;
  charts: ChartSpec[];
}

/** Pages are data; this keeps their declarations typed without a class. */
export const definePage = (page: PageSpec): PageSpec => page;
