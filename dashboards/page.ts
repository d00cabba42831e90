import type { PlotOptions } from "@observablehq/plot";
import type { ValueFormat } from "../core/format.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { MetricQuery } from "../metrics/compile.ts";
import type { MetricRow } from "../metrics/query.ts";
import type { Catalog } from "../metrics/catalog.ts";
import type { MetricSettings } from "../metrics/settings.ts";
import type { Html } from "./html.ts";
import type { DashboardSlice } from "./settings.ts";

/**
 * What the pages read of the config: the metric layer's settings, their own slice, the owners that are
 * pools, and the project's catalog and pages (DESIGN "The house": handed down, never looked up).
 */
export type DashboardSettings = MetricSettings &
  DashboardSlice & {
    pools: readonly string[];
    project: { catalog: Catalog; pages: readonly PageSpec[] };
  };

/** What a chart needs to know beyond its rows. */
export interface ChartContext {
  currency: string;
  /** Fiscal quarter label ("FY2026 Q1") for a period's last day. */
  periodLabel(period: string): string;
  /** A metric's label from the catalog. */
  labelOf(metric: string): string;
  /** The config's target for a metric: one value, or the two ends of a range; none when unset. */
  targetOf(metric: string): number[] | undefined;
  /** The build's as-of date, when there is data. */
  asOf?: string;
  /** The link from a mark (a row's metric) to the accounts behind its figure; none when no account adds up to it. */
  drillHref?(row: MetricRow, metric: string): string | undefined;
}

interface BlockCommon {
  /** File-safe id: the block's anchor, and its data's file name under data/. */
  id: string;
  /** States the subject, e.g. "ARR by segment at each quarter end". */
  title: string;
  /** One sentence for screen readers and the caption. */
  description: string;
}

/** A chart of one metric query; its rows are downloadable as CSV and Parquet. */
export interface ChartBlock extends BlockCommon {
  kind: "chart";
  query: MetricQuery;
  plot(rows: MetricRow[], context: ChartContext): PlotOptions;
}

/** The rows of one metric query as a table, formatted by each metric's format. */
export interface MetricTableBlock extends BlockCommon {
  kind: "metric_table";
  query: MetricQuery;
  /** Show only the last this many periods (the downloads keep every period). */
  last?: number;
}

export interface ListingColumn {
  name: string;
  label: string;
  format?: ValueFormat | "text";
  /** The value names an account (or an owner): the cell links to its page. */
  link?: "account" | "book";
}

/**
 * Detail rows that are not a metric (the red accounts and their weakest measures, load history, the
 * ICP table): read by `rows`, shown as a table and optionally charted too.
 */
export interface ListingBlock extends BlockCommon {
  kind: "listing";
  rows(db: Warehouse, config: DashboardSettings): Promise<MetricRow[]>;
  /** The tables `rows` reads (schema.table), so the page is rebuilt when they change. */
  reads: string[];
  columns: ListingColumn[];
  plot?(rows: MetricRow[], context: ChartContext): PlotOptions;
  /** false: chart only (the rows are too many to read; the CSV has them). */
  table?: boolean;
  /** Shown instead of an empty table. */
  empty?: string;
}

/** Writes a page of its own below the site (accounts/<id>.html), in the site's frame. */
export interface SiteWriter {
  /** `file` is relative to the site, one folder deep at most; `body` goes inside the frame. */
  write(file: string, title: string, body: Html): void;
  /** Plot options as inline SVG, as every chart of the site is drawn. */
  chart(options: PlotOptions, label: { title: string; description: string }): Html;
  context: ChartContext;
  /** The link from a figure (a metric of a row of `request`) to the accounts behind it, as tiles and tables have. */
  drill(request: MetricQuery, metric: string, row: MetricRow): string | undefined;
}

/**
 * Free-form content (the glossary, the accounts table), which may write pages of its own (one per
 * account). Everything it interpolates must go through `html`.
 */
export interface ContentBlock {
  kind: "content";
  render(db: Warehouse, config: DashboardSettings, site: SiteWriter): Promise<Html>;
  /** The tables it reads (schema.table, or the `alerts` asset), so the page is rebuilt when they change. */
  reads?: string[];
}

export type Block = ChartBlock | MetricTableBlock | ListingBlock | ContentBlock;

export interface SectionSpec {
  title: string;
  intro?: string;
  blocks: Block[];
}

/** Headline numbers: each metric's value in the last period and its change from the one before. */
export interface TilesSpec {
  metrics: string[];
  /** One query for all the tiles (grain, window, …); it must return one row per period. */
  query: Omit<MetricQuery, "metrics" | "by">;
}

export interface PageSpec {
  file: string;
  /** Short name for the navigation. */
  nav: string;
  title: string;
  intro: string;
  tiles?: TilesSpec;
  sections: SectionSpec[];
  /** Printed as is (the board's PDF): charts are drawn a second time at print size. */
  print?: boolean;
}

/** Pages are data; this keeps their declarations typed without a class. */
export const definePage = (page: PageSpec): PageSpec => page;

/** Every metric query a page asks: its tiles', its charts' and its metric tables'. */
export function pageQueries(page: PageSpec): MetricQuery[] {
  return [
    ...(page.tiles ? [{ ...page.tiles.query, metrics: page.tiles.metrics }] : []),
    ...page.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === "chart" || b.kind === "metric_table" ? [b.query] : []))),
  ];
}
