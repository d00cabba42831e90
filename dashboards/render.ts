import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { spreadsheetLine } from "../core/csv.ts";
import { fiscalQuarterLabel } from "../core/dates.ts";
import { formatChange, formatValue, groupLabel, type ValueFormat } from "../core/format.ts";
import { Warehouse } from "../core/warehouse.ts";
import type { Grain, MetricQuery } from "../metrics/compile.ts";
import { type FigureWindow, figureWindow } from "../metrics/windows.ts";
import { type MetricRow, type QueryResult, query, rowsToParquet } from "../metrics/query.ts";
import { type Html, html, raw, withoutControls } from "./html.ts";
import { type Notices, readNotices } from "./notices.ts";
import type { Block, ChartContext, ContentBlock, DashboardSettings, ListingBlock, PageSpec, SiteWriter } from "./page.ts";
import { accountLink, bookLink } from "./pages/accounts.ts";
import { inBandOrder } from "./pages/bands.ts";
import { DrillLinks, writeDrillSets } from "./drill.ts";
import { drillBody } from "./drill-page.ts";
import { axisPeriodName, comparedPeriodName, figureLabel, isRunning, periodName, shortPeriodName } from "./period-names.ts";
import { lastPeriods } from "./pages/periods.ts";
import { dataTable } from "./pages/tables.ts";

const STYLESHEET = join(dirname(fileURLToPath(import.meta.url)), "style.css");

export interface RenderedSite {
  dir: string;
  pages: string[];
}

interface RenderContext extends ChartContext {
  db: Warehouse;
  config: DashboardSettings;
  /** The folder being written. */
  dir: string;
  /** An in-memory DuckDB the downloads are written through, opened on first use, closed after the render. */
  scratch(): Promise<Warehouse>;
  /** The first month of data: a period that starts before it is partial. */
  firstMonth?: string;
  /** Every page, for the navigation of sub-pages. */
  pages: readonly PageSpec[];
  /** The page is printed (the board's PDF): its charts come in a print size too. */
  forPrint?: boolean;
  /** The figures linked to the accounts behind them, whose data the render writes at its end. */
  drill: DrillLinks;
}

export interface PageResult {
  file: string;
  status: "rendered" | "failed";
  seconds: number;
  error?: string;
}

/**
 * Renders pages into a fresh folder beside `outDir` and swaps it in only when all of it is written,
 * so a reader never sees half a site. The new folder starts as a copy of the previous site: pages
 * not asked for, and pages that fail, stay as they were. Numbers come only through the metrics query
 * API (or, for detail listings, from the marts and meta tables they name).
 */
export async function renderPages(
  db: Warehouse,
  config: DashboardSettings,
  outDir: string,
  pages: readonly PageSpec[] = config.project.pages,
  only?: ReadonlySet<string>,
  /** Pages not rendered this time, with why: each gets a page saying so when it has no earlier version. */
  unbuilt: ReadonlyMap<string, string> = new Map(),
): Promise<PageResult[]> {
  const building = `${outDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(join(building, "data"), { recursive: true });
  const results: PageResult[] = [];
  let scratch: Promise<Warehouse> | undefined;
  try {
    writeFileSync(join(building, "style.css"), readFileSync(STYLESHEET));
    const { metrics } = config.project.catalog;
    const context: RenderContext = {
      db,
      config,
      dir: building,
      currency: config.reportingCurrency,
      periodLabel: (period) => fiscalQuarterLabel(period, config.fiscalYearStartMonth),
      labelOf: (metric) => metrics.get(metric)?.label ?? metric,
      targetOf: (metric) => {
        const target = config.targets[metric];
        return target === undefined ? undefined : typeof target === "number" ? [target] : [...target];
      },
      pages,
      scratch: () => (scratch ??= Warehouse.open(":memory:")),
      drill: new DrillLinks(config),
    };
    const notices = await readNotices(db, config.reportingCurrency);
    context.asOf = notices.asOf?.date;
    if (await db.tableExists("marts", "months")) {
      const first = await db.one<{ month: string | null }>("SELECT {{ format_time(min(month), '%Y-%m-%d') }} AS month FROM marts.months");
      context.firstMonth = first?.month ?? undefined;
    }
    for (const page of pages) {
      if (only && !only.has(page.file)) continue;
      const started = performance.now();
      try {
        writeFileSync(join(building, page.file), await renderPage(page, pages, notices, context));
        results.push({ file: page.file, status: "rendered", seconds: (performance.now() - started) / 1000 });
      } catch (error) {
        results.push({ file: page.file, status: "failed", seconds: (performance.now() - started) / 1000, error: (error as Error).message });
      }
    }
    // The accounts behind the figures linked: one data file per question the pages asked, and the page that lists them.
    await writeDrillSets(db, config, context.drill, building, (metric, period, request) => {
      const { kind, months } = windowOf(metric, request, config);
      return figureLabel(period, request.grain ?? "month", kind, months, context);
    });
    writeFileSync(
      join(building, "drill.html"),
      pageShell({ file: "drill.html", title: "The accounts behind a figure" }, pages, config, drillBody()),
    );
    // Pages not rendered now, or failed, keep their previous files: what this render did not write is
    // copied from the site as it was (after, not before: 10,000 account pages are not copied to be overwritten).
    if (existsSync(outDir)) cpSync(outDir, building, { recursive: true, force: false });
    // Every page exists after every build, so no link is ever broken.
    for (const page of pages) {
      if (existsSync(join(building, page.file))) continue;
      const failed = results.find((r) => r.file === page.file && r.status === "failed");
      const reason = failed ? `it failed (${failed.error?.split("\n")[0]})` : (unbuilt.get(page.file) ?? "its inputs are not built");
      writeFileSync(join(building, page.file), unbuiltPage(page, pages, config, reason));
    }
    swapIn(building, outDir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  } finally {
    await (await scratch)?.close();
  }
  return results;
}

/** Renders every page; throws (with the previous versions of failed pages kept) if any page failed. */
export async function renderSite(
  db: Warehouse,
  config: DashboardSettings,
  outDir: string,
  pages: readonly PageSpec[] = config.project.pages,
): Promise<RenderedSite> {
  const results = await renderPages(db, config, outDir, pages);
  const failed = results.filter((r) => r.status === "failed");
  if (failed.length) throw new Error(failed.map((r) => `${r.file}: ${r.error}`).join("\n"));
  return { dir: outDir, pages: pages.map((p) => join(outDir, p.file)) };
}

/**
 * Two renames: the old site steps aside, the new one takes its name. A run killed between them
 * leaves `<site>.previous-<pid>` and no site; `recoverSite` puts it back.
 */
function swapIn(building: string, outDir: string): void {
  const previous = `${outDir}.previous-${process.pid}`;
  if (existsSync(outDir)) renameSync(outDir, previous);
  renameSync(building, outDir);
  rmSync(previous, { recursive: true, force: true });
}

/** Cleans up after a run that was killed while writing the site: restores it if it was stepped aside. */
export function recoverSite(outDir: string): void {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return;
  const leftovers = readdirSync(parent).filter(
    (name) => name.startsWith(`${basename(outDir)}.building-`) || name.startsWith(`${basename(outDir)}.previous-`),
  );
  for (const name of leftovers) {
    const path = join(parent, name);
    if (name.includes(".previous-") && !existsSync(outDir)) renameSync(path, outDir);
    else rmSync(path, { recursive: true, force: true });
  }
}

async function renderPage(page: PageSpec, pages: readonly PageSpec[], notices: Notices, context: RenderContext): Promise<string> {
  const { asOf } = notices;
  const { db, config } = context;
  // Each tile's figure with what it says about itself: its n, its interval, the share of its base known.
  const described = (page.tiles?.metrics ?? []).flatMap((m) => {
    const definition = config.project.catalog.metrics.get(m);
    return [m, definition?.sample, ...(definition?.interval ?? []), definition?.known].filter((n): n is string => n !== undefined);
  });
  // Each tile compares with the period before, as the query layer reads it (a quarter to date with the same months).
  const tileResult = page.tiles
    ? await query(db, config, { ...page.tiles.query, metrics: [...new Set(described)], compare: "previous" })
    : undefined;
  const tiles = tileResult
    ? (page.tiles?.metrics ?? []).map((metric) =>
        renderTile(metric, tileResult, page.tiles?.query.grain ?? "month", page.tiles?.query ?? {}, context),
      )
    : [];
  const sections: Html[] = [];
  for (const section of page.sections) {
    const blocks: Html[] = [];
    for (const block of section.blocks) blocks.push(await renderBlock(block, { ...context, forPrint: page.print === true }));
    sections.push(
      html`<section class="section">
        <h2>${section.title}</h2>
        ${section.intro ? html`<p class="intro">${section.intro}</p>` : ""} ${blocks}
      </section>`,
    );
  }
  const header = html`<p class="as-of">
      ${asOf ? `Data as of ${asOf.date} (${context.periodLabel(asOf.date)}${asOf.monthToDate ? ", month to date" : ""}) · ` : "No data yet · "}amounts
      in ${config.reportingCurrency}
    </p>
    ${notices.sentences.map((sentence) => html`<p class="notice">${sentence}</p>`)}
    ${page.file === "renewals.html" && notices.schedule ? html`<p class="note">${notices.schedule}</p>` : ""}`;
  return pageShell(
    page,
    pages,
    config,
    html`${header}
      <p class="intro">${page.intro}</p>
      ${tiles.length ? html`<section class="tiles" aria-label="Headline numbers">${tiles}</section>` : ""} ${sections}`,
  );
}

/** The frame every page shares: title, navigation to every page, footer. `root` leads back from a sub-folder. */
function pageShell(
  page: Pick<PageSpec, "file" | "title">,
  pages: readonly PageSpec[],
  config: DashboardSettings,
  body: Html,
  root = "",
): string {
  const nav = pages.map((p) => html`<a href="${root}${p.file}" ${p.file === page.file ? raw('aria-current="page"') : ""}>${p.nav}</a>`);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${config.site.title}</title>
        <link rel="stylesheet" href="${root}style.css" />
      </head>
      <body>
        <header class="site">
          <span class="brand">${config.site.title}</span>
          <nav aria-label="Pages">${nav}</nav>
        </header>
        <main>
          <h1>${page.title}</h1>
          ${body}
        </main>
        <footer>
          Made by Bellwether. Every number comes from a named metric of the catalog<span class="screen-only"
            >; see the <a href="${root}glossary.html">glossary</a></span
          >.
        </footer>
      </body>
    </html> `.value;
}

/** A page that could not be built and had no earlier version: it says why, and keeps the navigation whole. */
function unbuiltPage(page: PageSpec, pages: readonly PageSpec[], config: DashboardSettings, reason: string): string {
  return pageShell(
    page,
    pages,
    config,
    html`<p class="notice">This page has not been built yet: ${reason}. Its numbers appear after the next build that succeeds.</p>
      <p class="intro">${page.intro}</p>`,
  );
}

async function renderBlock(block: Block, pageContext: RenderContext): Promise<Html> {
  const { db, config, dir } = pageContext;
  // Fiscal years are labelled as years ("FY2025"), not as their last quarter; part periods say so.
  const grain = "query" in block ? block.query.grain : undefined;
  const context =
    grain === "year" || grain === "quarter"
      ? { ...pageContext, periodLabel: (period: string) => axisPeriodName(period, grain, pageContext) }
      : pageContext;
  if (block.kind === "content") return block.render(db, config, siteWriter(context));
  if (block.kind === "listing") return renderListing(block, await block.rows(db, config), context);
  const result = await query(db, config, block.query);
  const rowLabel = rowLabeller(result, block.query, context);
  // A chart of trailing-window figures names its axis periods by the window too ("12 mo to 2026-09-30").
  if (grain === "year" || grain === "quarter") context.periodLabel = rowLabel.axis;
  writeDownload(join(dir, "data", block.id), result, rowLabel);
  await rowsToParquet(await pageContext.scratch(), result.columns, result.rows, join(dir, "data", `${block.id}.parquet`));
  const downloads = html`<a href="data/${block.id}.csv" download>CSV</a><a href="data/${block.id}.parquet" download>Parquet</a>`;
  const last = String(result.rows.at(-1)?.period ?? "");
  // Renewals to come and the forecast run past the data: the caption keeps the data's date.
  const asOf = context.asOf && last > context.asOf ? `${context.asOf}, with what is due to ${last}` : last;
  const hasData = result.rows.some((r) => result.columns.some((c) => c.role === "metric" && r[c.name] !== null));
  if (!hasData) return figure(block, noData(), asOf, downloads);
  // A chart of nothing but zeros has no scale to draw on (Plot would stretch $0 into a bar): say it instead.
  const allZero = result.rows.every((r) =>
    result.columns.every((c) => c.role !== "metric" || r[c.name] === null || Number(r[c.name]) === 0),
  );
  if (block.kind === "chart" && allZero) {
    return figure(block, html`<p class="empty">Zero in every period shown.</p>`, asOf, downloads);
  }
  if (block.kind === "metric_table") {
    const metrics = result.columns.filter((c) => c.role === "metric").map((c) => c.name);
    const headers = result.columns.map((c) => (c.role === "metric" ? rowLabel.header(c.name, c.label) : c.label));
    // A row with no metric value but zeros and blanks (a band nobody is in) says nothing: left out.
    const said = result.rows.filter((row) => metrics.some((m) => row[m] !== null && row[m] !== 0));
    const shown = inBandOrder(block.last ? lastPeriods(said, block.last) : said);
    const rows = shown.map((row) =>
      result.columns.map((c) =>
        c.role === "metric"
          ? drillLink(
              formatValue(row[c.name] as number | null, c.format ?? "ratio", { currency: context.currency }),
              row[c.name] === null ? undefined : pageContext.drill.href(block.query, c.name, row),
            )
          : c.role === "period"
            ? rowLabel.period(String(row[c.name]))
            : groupLabel(row[c.name]),
      ),
    );
    return figure(
      block,
      dataTable(
        block.title,
        headers,
        rows,
        result.columns.map((c) => c.role === "metric"),
      ),
      asOf,
      downloads,
    );
  }
  // Each mark of an account metric links to the accounts behind it.
  const linked = { ...context, drillHref: (row: MetricRow, metric: string) => pageContext.drill.href(block.query, metric, row) };
  return figure(block, chartSvg(block.plot(result.rows, linked), block, pageContext.forPrint), asOf, downloads);
}

/** How a query's rows name their period, and a column whose window differs from its row's says so in its header. */
interface RowLabeller {
  period(period: string): string;
  /** The short form a chart's axis takes. */
  axis(period: string): string;
  header(metric: string, label: string): string;
}

/** The window of one metric in one query: its kind, and the months a trailing window spans. */
function windowOf(metric: string, query: Pick<MetricQuery, "window">, config: DashboardSettings): { kind: FigureWindow; months: number } {
  const { metrics } = config.project.catalog;
  const definition = metrics.get(metric);
  const own = definition?.type === "window_retention" ? definition.window : undefined;
  return { kind: figureWindow(metric, metrics), months: query.window ?? own ?? config.retentionWindowMonths };
}

/**
 * Rows whose figures all cover the same trailing window (a cost table by fiscal year with a 12-month
 * window) are named by that window ("12 months to 2026-09-30"), never as the period to date they end in;
 * a table mixing a period's own figures with windowed ones names the period, and the windowed columns
 * say their window.
 */
function rowLabeller(result: QueryResult, query: MetricQuery, context: RenderContext): RowLabeller {
  const grain = query.grain ?? "month";
  const windows = new Map(result.columns.filter((c) => c.role === "metric").map((c) => [c.name, windowOf(c.name, query, context.config)]));
  const trailing = [...windows.values()].filter((w) => w.kind === "window");
  const others = [...windows.values()].filter((w) => w.kind === "period" || w.kind === "to_date");
  const months = new Set(trailing.map((w) => w.months));
  const byWindow = trailing.length > 0 && others.length === 0 && months.size === 1;
  const windowName = (period: string) => figureLabel(period, grain, "window", trailing[0]?.months ?? 12, context);
  const axisName = context.periodLabel;
  return {
    period: (period) => (byWindow ? windowName(period) : periodName(period, grain, context)),
    // An axis tick of a windowed chart is the window's end (the chart's title gives the window), but the
    // period still running is never called "YTD": it is the window to the as-of day.
    axis: (period) => {
      if (grain === "month") return axisName(period);
      if (!byWindow) return axisPeriodName(period, grain, context);
      const label = windowName(period);
      if (isRunning(period, grain, context) && label.includes(" months to ")) return label.replace(" months to ", " mo to ");
      return shortPeriodName(period, grain, context);
    },
    header: (metric, label) => {
      const own = windows.get(metric);
      return !byWindow && own?.kind === "window" && grain !== "month" ? `${label} (${own.months} months to the period end)` : label;
    },
  };
}

/**
 * A chart's or table's rows as the download a CFO opens: the period's name beside its ISO date, headers
 * as the page labels them (the column ids, formats and units in `<id>.columns.json` beside it), ratios
 * to 6 decimals and money to the cent.
 */
function writeDownload(base: string, result: QueryResult, label: RowLabeller): void {
  const columns = [
    { name: "period", label: "Period end", role: "period" },
    { name: "period_label", label: "Period", role: "period" },
    ...result.columns
      .filter((c) => c.role !== "period")
      .map((c) => (c.role === "metric" ? { ...c, label: label.header(c.name, c.label) } : c)),
  ] as { name: string; label: string; role: string; format?: string; unit?: string }[];
  const value = (row: MetricRow, column: (typeof columns)[number]) => {
    if (column.name === "period_label") return label.period(String(row.period));
    const v = row[column.name];
    if (typeof v !== "number" || column.role !== "metric") return v;
    if (column.format === "currency") return Math.round(v * 100) / 100;
    return column.format === "count" || column.format === "days" ? v : Number(v.toFixed(6));
  };
  const lines = [spreadsheetLine(columns.map((c) => c.label)), ...result.rows.map((r) => spreadsheetLine(columns.map((c) => value(r, c))))];
  writeFileSync(`${base}.csv`, `${lines.join("\n")}\n`);
  const described = columns.map(({ name, label, role, format, unit }) => ({ column: name, label, role, format, unit }));
  writeFileSync(`${base}.columns.json`, `${JSON.stringify(described, null, 2)}\n`);
}

function renderListing(block: ListingBlock, rows: MetricRow[], context: RenderContext): Html {
  const names = block.columns.map((c) => c.name);
  writeFileSync(
    join(context.dir, "data", `${block.id}.csv`),
    `${[spreadsheetLine(names), ...rows.map((r) => spreadsheetLine(names.map((n) => r[n])))].join("\n")}\n`,
  );
  const downloads = html`<a href="data/${block.id}.csv" download>CSV</a>`;
  if (rows.length === 0) return figure(block, html`<p class="empty">${block.empty ?? "Nothing to list."}</p>`, "", downloads);
  const cells = rows.map((row) =>
    block.columns.map((c) =>
      c.link === "account"
        ? accountLink(row[c.name])
        : c.link === "book"
          ? bookLink(row[c.name])
          : c.format && c.format !== "text"
            ? formatValue(row[c.name] as number | null, c.format, { currency: context.currency })
            : String(row[c.name] ?? "—"),
    ),
  );
  const chart = block.plot ? chartSvg(block.plot(rows, context), block, context.forPrint) : "";
  if (block.table === false) return figure(block, chart, "", downloads);
  const table = dataTable(
    block.title,
    block.columns.map((c) => c.label),
    cells,
    block.columns.map((c) => c.format !== undefined && c.format !== "text"),
  );
  return figure(block, html`${chart}${table}`, "", downloads);
}

function figure(block: Exclude<Block, ContentBlock>, body: Html | string, asOf: unknown, downloads: Html): Html {
  return html`<figure class="block" id="${block.id}" data-kind="${block.kind}">
    <h3>${block.title}</h3>
    ${body}
    <figcaption>
      <span>${block.description}</span>${asOf ? html`<span>As of ${String(asOf)}</span>` : ""}<span class="downloads">${downloads}</span>
    </figcaption>
  </figure>`;
}

const noData = () => html`<p class="empty">No data for this yet.</p>`;

/** Sub-pages of the site (one per account or book) in the same frame, written into the folder being built. */
function siteWriter(context: RenderContext): SiteWriter {
  return {
    context,
    chart: plotSvg,
    drill: (request, metric, row) => context.drill.href(request, metric, row),
    write(file, title, body) {
      const depth = file.split("/").length - 1;
      if (depth > 1 || file.includes("..")) throw new Error(`${file}: pages go one folder deep at most`);
      mkdirSync(join(context.dir, dirname(file)), { recursive: true });
      const shell = pageShell({ file, title }, context.pages, context.config, html`${body}`, "../".repeat(depth));
      writeFileSync(join(context.dir, file), shell);
    },
  };
}

/** The width and text size a chart is printed at: 1:1 inside a figure on A4 or Letter, text at 9 pt. */
const PRINT = { width: 590, fontSize: "12px" };

/**
 * A chart for the screen, and for a printed page also one drawn at print size, so its ticks and labels
 * print at 8 pt or more rather than a scaled-down 1000-pixel drawing's 5 pt.
 */
function chartSvg(options: Plot.PlotOptions, block: { title: string; description: string }, forPrint = false): Html {
  const screen = plotSvg(options, block);
  if (!forPrint) return screen;
  // Period labels at print size do not fit side by side: turn them, as a crowded screen chart does.
  // In facets (the bridge's steps, four quarters across) they stand upright.
  const faceted = options.fx !== undefined;
  const x =
    options.x && options.x.axis !== null && options.x.domain
      ? {
          x: { ...options.x, tickRotate: faceted ? -90 : -30 },
          marginBottom: Math.max(Number(options.marginBottom ?? 0), faceted ? 90 : 55),
        }
      : {};
  const printed = plotSvg({ ...options, ...x, width: PRINT.width, style: { fontSize: PRINT.fontSize } }, block);
  return html`<div class="screen-only">${screen}</div>
    <div class="print-only">${printed}</div>`;
}

function plotSvg(options: Plot.PlotOptions, block: { title: string; description: string }): Html {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const plot = Plot.plot({ width: 1000, height: 320, ...options, document, ariaLabel: block.title, ariaDescription: block.description });
  return raw(withoutControls((plot as unknown as { outerHTML: string }).outerHTML));
}

/**
 * What a rate's tile says of its footing (DESIGN "Dashboards": small samples): its n; under the config's
 * display.minSample a caution with its 95% interval; in a period the as-of cuts, the share of its base known.
 */
function sampleNote(metric: string, row: MetricRow, format: ValueFormat, context: RenderContext): Html | string {
  const definition = context.config.project.catalog.metrics.get(metric);
  if (!definition?.sample || row[metric] === null || row[metric] === undefined) return "";
  const n = Number(row[definition.sample] ?? 0);
  const minimum = context.config.display.minSample;
  const [low, high] = (definition.interval ?? []).map((m) => row[m]);
  const interval =
    typeof low === "number" && typeof high === "number"
      ? `, 95% ${formatValue(low, format, { currency: context.currency })}–${formatValue(high, format, { currency: context.currency })}`
      : "";
  const known = definition.known ? row[definition.known] : null;
  const partial =
    typeof known === "number" && known < 1
      ? html`<div class="caution">partial: ${formatValue(known, "percent")} of its base known so far</div>`
      : "";
  const caution =
    n < minimum
      ? html`<div class="caution">small sample (n = ${formatValue(n, "count")} &lt; ${minimum})${interval}: read with care</div>`
      : "";
  // What n counts, in the sample metric's own words ("Base accounts", "Renewals due", "Snapshots that churned…").
  const counted = (context.config.project.catalog.metrics.get(definition.sample)?.label ?? definition.sample)
    .replace(/\s*\(.*\)$/, "")
    .toLowerCase();
  return html`<div class="sample">n = ${formatValue(n, "count")} ${counted}</div>
    ${caution} ${partial}`;
}

/** What a tile's figure covers: "FY2026 Q3 to date (2 of 3 months)", "12 months to 2026-09-15", "at 2026-09-15". */
function tileWindow(metric: string, period: string, grain: Grain, query: Pick<MetricQuery, "window">, context: RenderContext): string {
  const { kind, months } = windowOf(metric, query, context.config);
  const label = figureLabel(period, grain, kind, months, context);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function renderTile(metric: string, result: QueryResult, grain: Grain, query: Pick<MetricQuery, "window">, context: RenderContext): Html {
  const column = result.columns.find((c) => c.name === metric);
  const format = column?.format ?? "count";
  const rows = result.rows.filter((r) => r[metric] !== null);
  const last = rows.at(-1);
  const value = (last?.[metric] as number | undefined) ?? null;
  const before = (last?.[`${metric}_compare`] as number | undefined) ?? null;
  const delta = (last?.[`${metric}_change`] as number | undefined) ?? null;
  let change: Html = html`<div class="change">no earlier period</div>`;
  if (last && value !== null && before !== null && delta !== null) {
    const against = comparedPeriodName(String(last.period), grain, "previous", context);
    // One convention: shares and scores change by points, ratios by their difference, amounts by a percentage.
    const text =
      format === "percent" || format === "nps" || format === "score" || format === "ratio"
        ? formatChange(delta, before, format)
        : before !== 0
          ? percentChange(delta / before)
          : formatChange(delta, null, format, { currency: context.currency, style: "compact" });
    if (text === "no change") change = html`<div class="change">no change vs ${against}</div>`;
    else {
      const good = column?.better === "lower" ? delta < 0 : delta > 0;
      change = html`<div class="change ${good ? "up" : "down"}">${text} vs ${against}</div>`;
    }
  }
  const tileHref = last && value !== null ? context.drill.href({ ...query, grain, metrics: [metric] }, metric, last) : undefined;
  const unit = column?.unit ? html`<span class="unit">${column.unit.replaceAll("{currency}", context.currency)}</span>` : "";
  const target = context.targetOf(metric);
  let versus: Html | string = "";
  if (target && value !== null) {
    const [low, high = low] = target as [number, number?];
    const shown = target.map((t) => formatValue(t, format, { currency: context.currency, style: "compact" })).join("–");
    const met = target.length === 2 ? value >= low && value <= high : column?.better === "lower" ? value <= low : value >= low;
    versus = html`<div class="target ${met ? "met" : "missed"}">
      Target ${shown}: ${met ? (target.length === 2 ? "within" : "met") : target.length === 2 ? "outside" : "not met"}
    </div>`;
  }
  return html`<div class="tile">
    <div class="label">${column?.label ?? metric}</div>
    <div class="value">${drillLink(formatValue(value, format, { currency: context.currency, style: "compact" }), tileHref)}${unit}</div>
    ${change} ${versus} ${last ? sampleNote(metric, last, format, context) : ""}
    <div class="tile-as-of">${last ? tileWindow(metric, String(last.period), grain, query, context) : ""}</div>
  </div>`;
}

/** A relative change to one decimal, "no change" when it rounds to nothing. */
function percentChange(share: number): string {
  const shown = Number((share * 100).toFixed(1));
  return shown === 0 ? "no change" : `${shown > 0 ? "+" : "−"}${Math.abs(shown).toFixed(1)}%`;
}

/** A figure as a link to the accounts behind it, when it has them. */
function drillLink(text: string, href: string | undefined): Html | string {
  return href ? html`<a class="drill" href="${href}" title="The accounts behind this figure">${text}</a>` : text;
}
