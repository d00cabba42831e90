import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { Config } from "../core/config.ts";
import { fiscalQuarterLabel } from "../core/dates.ts";
import { formatValue } from "../core/format.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { type QueryResult, query, toCsv } from "../metrics/query.ts";
import { type Html, html, raw } from "./html.ts";
import type { ChartContext, ChartSpec, PageSpec } from "./page.ts";
import { pages as allPages } from "./pages/index.ts";

const STYLESHEET = join(dirname(fileURLToPath(import.meta.url)), "style.css");

export interface RenderedSite {
  dir: string;
  pages: string[];
}

/**
 * Renders every page into a fresh folder beside `outDir` and swaps it in only when all of it is
 * written, so a failure leaves the previous site as it was. Pages read numbers only through the
 * metrics query API.
 */
export async function renderSite(
  db: Warehouse,
  config: Config,
  outDir: string,
  pages: readonly PageSpec[] = allPages,
): Promise<RenderedSite> {
  const building = `${outDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(join(building, "data"), { recursive: true });
  try {
    writeFileSync(join(building, "style.css"), readFileSync(STYLESHEET));
    const context: ChartContext = {
      currency: config.reportingCurrency,
      periodLabel: (period) => fiscalQuarterLabel(period, config.fiscalYearStartMonth),
    };
    for (const page of pages) {
      const body = await renderPage(db, config, page, pages, context, building);
      writeFileSync(join(building, page.file), body);
    }
    swapIn(building, outDir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return { dir: outDir, pages: pages.map((p) => join(outDir, p.file)) };
}

function swapIn(building: string, outDir: string): void {
  const previous = `${outDir}.previous-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, previous);
  renameSync(building, outDir);
  rmSync(previous, { recursive: true, force: true });
}

async function renderPage(
  db: Warehouse,
  config: Config,
  page: PageSpec,
  pages: readonly PageSpec[],
  context: ChartContext,
  dir: string,
): Promise<string> {
  const tileResult = page.tiles ? await query(db, config, { ...page.tiles.query, metrics: page.tiles.metrics }) : undefined;
  const tiles = tileResult ? (page.tiles?.metrics ?? []).map((metric) => renderTile(metric, tileResult, context)) : [];
  const charts: Html[] = [];
  let asOf = "";
  for (const chart of page.charts) {
    const result = await query(db, config, chart.query);
    asOf = result.rows.at(-1)?.period?.toString() ?? asOf;
    writeFileSync(join(dir, "data", `${chart.id}.csv`), toCsv(result));
    charts.push(renderChart(chart, result, context));
  }
  const nav = pages.map((p) => html`<a href="${p.file}" ${p.file === page.file ? raw('aria-current="page"') : ""}>${p.title}</a>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${config.site.title}</title>
        <link rel="stylesheet" href="style.css" />
      </head>
      <body>
        <header class="site">
          <span class="brand">${config.site.title}</span>
          <nav>${nav}</nav>
        </header>
        <main>
          <h1>${page.title}</h1>
          <p class="as-of">${asOf ? `As of ${asOf} (${context.periodLabel(asOf)}) · ` : ""}amounts in ${config.reportingCurrency}</p>
          <p class="intro">${page.intro}</p>
          <section class="tiles">${tiles}</section>
          ${charts}
        </main>
        <footer>Made by Bellwether from the metrics catalog; every number here comes from a named metric.</footer>
      </body>
    </html> `.value;
}

function renderTile(metric: string, result: QueryResult, context: ChartContext): Html {
  const column = result.columns.find((c) => c.name === metric);
  const format = column?.format ?? "count";
  const rows = result.rows.filter((r) => r[metric] !== null);
  const last = rows.at(-1);
  const prior = rows.at(-2);
  const value = (last?.[metric] as number | undefined) ?? null;
  const before = (prior?.[metric] as number | undefined) ?? null;
  let change: Html = html`<div class="change">no earlier period</div>`;
  if (value !== null && before !== null) {
    const delta = value - before;
    // Ratios change by points; money and counts by a relative amount.
    const text =
      format === "percent"
        ? `${delta >= 0 ? "+" : "−"}${Math.abs(delta * 100).toFixed(1)} pts`
        : before !== 0
          ? `${delta >= 0 ? "+" : "−"}${Math.abs((delta / before) * 100).toFixed(1)}%`
          : "";
    const good = column?.better === "lower" ? delta < 0 : delta > 0;
    change = html`<div class="change ${delta === 0 ? "" : good ? "up" : "down"}">${text} vs prior quarter</div>`;
  }
  return html`<div class="tile">
    <div class="label">${column?.label ?? metric}</div>
    <div class="value">${formatValue(value, format, { currency: context.currency, style: "compact" })}</div>
    ${change}
  </div>`;
}

function renderChart(chart: ChartSpec, result: QueryResult, context: ChartContext): Html {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const hasData = result.rows.some((r) => result.columns.some((c) => c.role === "metric" && r[c.name] !== null));
  let figure: Html = html`<p class="empty">No data for this chart yet.</p>`;
  if (hasData) {
    const options = chart.plot(result.rows, context);
    const plot = Plot.plot({ width: 1000, height: 320, ...options, document, ariaLabel: chart.title, ariaDescription: chart.description });
    figure = raw((plot as unknown as { outerHTML: string }).outerHTML);
  }
  const asOf = result.rows.at(-1)?.period ?? "";
  return html`<figure class="chart" id="${chart.id}">
    <h2>${chart.title}</h2>
    ${figure}
    <figcaption>
      <span>${chart.description}</span><span>As of ${asOf}</span><a href="data/${chart.id}.csv" download>Download CSV</a>
    </figcaption>
  </figure>`;
}
