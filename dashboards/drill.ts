import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Warehouse } from "../core/warehouse.ts";
import { accountColumns } from "../metrics/accounts.ts";
import type { Grain, MetricQuery } from "../metrics/compile.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import type { DashboardSettings } from "./page.ts";
import { accountFile } from "./pages/accounts.ts";

/*
 * DESIGN "Dashboards", its accounts: every figure of an account metric links to the accounts behind it.
 * A figure's link names a drill set (its query without the metrics: grain, window, filters, grouping),
 * the metric, the period and the group; drill.html loads that set's one data file (data/drill-<set>.js,
 * a script, since a page opened from disk may not fetch) and lists the accounts of the cell. One file per
 * set serves every figure of every page asking the same question.
 */

/** A question the site's figures ask, without its metrics: the accounts behind each of its cells. */
interface DrillSet {
  id: string;
  query: MetricQuery;
  metrics: Set<string>;
  /** The periods a figure links to: only their accounts are written (a chart shows its last quarters, not all). */
  periods: Set<string>;
}

/** Collects the figures a render links to their accounts; the render writes their sets at its end. */
export class DrillLinks {
  readonly sets = new Map<string, DrillSet>();

  /** Whether accounts add up to each metric, worked out once a render (a chart links every mark). */
  private readonly drillable = new Map<string, boolean>();

  constructor(private readonly config: DashboardSettings) {}

  /**
   * The link from one figure (a metric of a row of `request`) to its accounts, relative to the site's
   * root; undefined when no account adds up to it (a median, an AUC, costs by cost centre).
   */
  href(request: MetricQuery, metric: string, row: MetricRow): string | undefined {
    if (!this.drillable.has(metric)) this.drillable.set(metric, accountColumns(metric, this.config.project.catalog) !== undefined);
    if (!this.drillable.get(metric)) return undefined;
    const by = request.by ?? [];
    const question = {
      grain: request.grain ?? "month",
      window: request.window ?? null,
      by,
      where: request.where ?? {},
      from: request.from ?? null,
      to: request.to ?? null,
    };
    const id = createHash("sha1").update(JSON.stringify(question)).digest("hex").slice(0, 12);
    const set = this.sets.get(id) ?? {
      id,
      query: { ...request, metrics: [], compare: undefined, accounts: true },
      metrics: new Set<string>(),
      periods: new Set<string>(),
    };
    set.metrics.add(metric);
    set.periods.add(String(row.period));
    this.sets.set(id, set);
    const params = new URLSearchParams({ s: id, m: metric, p: String(row.period) });
    // A group with no value of a dimension ("(none)") is an empty value: the page matches it to null.
    for (const dimension of by) params.set(`d.${dimension}`, row[dimension] === null ? "" : String(row[dimension]));
    return `drill.html?${params.toString()}`;
  }
}

/** What a drill page is told of a set, with its rows: as JSON inside data/drill-<set>.js. */
export interface DrillData {
  id: string;
  grain: Grain;
  currency: string;
  metrics: Record<
    string,
    {
      label: string;
      description: string;
      format: string;
      parts: { name: string; role: string }[];
      /** The window each period's figure covers, as the pages name it ("12 months to 2026-09-30", "FY2026 Q3"). */
      windows: Record<string, string>;
    }
  >;
  columns: { name: string; label: string; format?: string }[];
  by: string[];
  /** Each grouping dimension's label ("Cohort quarter"). */
  labels: Record<string, string>;
  rows: (string | number | null)[][];
}

/**
 * Writes each set's accounts: one query a set (the figures' own SQL grouped by account as well), one
 * file a set. `windowName` names the window of a metric's figure in a period as the pages do.
 */
export async function writeDrillSets(
  db: Warehouse,
  config: DashboardSettings,
  links: DrillLinks,
  dir: string,
  windowName: (metric: string, period: string, request: MetricQuery) => string,
): Promise<void> {
  const { metrics } = config.project.catalog;
  for (const set of links.sets.values()) {
    // The periods linked to, and only those: the query from the first of them, its rows kept for them.
    const linked = [...set.periods].sort();
    const result = await query(db, config, { ...set.query, metrics: [...set.metrics], from: linked[0] ?? set.query.from });
    result.rows = result.rows.filter((r) => set.periods.has(String(r.period)));
    const grain = set.query.grain ?? "month";
    const periods = [...new Set(result.rows.map((r) => String(r.period)))];
    const data: DrillData = {
      id: set.id,
      grain,
      currency: config.reportingCurrency,
      metrics: Object.fromEntries(
        [...set.metrics].map((m) => {
          const definition = metrics.get(m);
          return [
            m,
            {
              label: definition?.label ?? m,
              description: definition?.description ?? "",
              format: definition?.format ?? "ratio",
              parts: accountColumns(m, config.project.catalog) ?? [],
              windows: Object.fromEntries(periods.map((p) => [p, windowName(m, p, set.query)])),
            },
          ];
        }),
      ),
      columns: [
        ...result.columns.map((c) => ({ name: c.name, label: c.label, format: c.format })),
        { name: "account_file", label: "Page" },
      ],
      by: set.query.by ? [...set.query.by] : [],
      labels: Object.fromEntries((set.query.by ?? []).map((d) => [d, config.project.catalog.dimensions.get(d)?.label ?? d])),
      rows: result.rows.map((r) => [...result.columns.map((c) => r[c.name] ?? null), accountFile(String(r.account))]),
    };
    // JSON in a script: "</script>" or a line separator in an account's name must not end or break it.
    const json = JSON.stringify(data)
      .replace(/</g, "\\u003c")
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
    writeFileSync(join(dir, "data", `drill-${set.id}.js`), `window.bellwetherDrill && window.bellwetherDrill(${json});\n`);
  }
}
