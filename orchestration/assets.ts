import { basename } from "node:path";
import { dependencyOrder } from "../core/graph.ts";
import { type PageSpec, pageQueries } from "../dashboards/page.ts";
import { sitePages } from "../dashboards/pages/index.ts";
import { type Catalog, catalog } from "../metrics/catalog.ts";
import { compileMetricQuery, type MetricQuery } from "../metrics/compile.ts";
import { query } from "../metrics/query.ts";
import { stageModel } from "../models/build.ts";
import { planIncrementalBuild, recordFingerprints } from "../models/incremental.ts";
import { type Model, readModels } from "../models/model.ts";
import { assembleProject, type Project } from "../project/project.ts";
import { type Contract } from "../pipelines/contract.ts";
import { contracts, type TableName } from "../pipelines/contracts/index.ts";
import { landTable } from "../pipelines/ingest.ts";
import { evaluateAlerts } from "../alerts/evaluate.ts";
import { deliverAlerts, deliveryCheck } from "../alerts/outlets.ts";
import { alertRuleSchema, DEFAULT_ALERT_RULES, ruleQuery } from "../alerts/rules.ts";
import type { Asset } from "./asset.ts";

/** Each landing table: its contract's references are its inputs (accounts land before what points at them). */
export function rawAssets(): Asset[] {
  return (Object.keys(contracts) as TableName[]).map((table) => {
    const contract = contracts[table] as Contract;
    return {
      name: `raw.${table}`,
      kind: "raw",
      inputs: Object.values(contract.references ?? {}).map((t) => `raw.${t}`),
      description: `landed rows of ${table} files`,
      async materialize({ db, config, sources, fullRefresh }) {
        // Without a sources folder the table is kept as it is; a run that lands nothing still checks it exists.
        const loads = await landTable(db, table, sources?.get(table) ?? [], { timeZone: config.timeZone, reread: fullRefresh });
        const refused = loads.find((l) => l.status === "refused");
        if (refused) throw new Error(refused.message ?? `${refused.file} was refused`);
        const rows = (await db.one<{ n: number }>(`SELECT count(*) AS n FROM raw.${table}`))?.n ?? 0;
        const quarantined = loads.reduce((n, l) => n + l.quarantined, 0);
        const landed = loads.filter((l) => l.status === "landed").length;
        return {
          rows,
          checks: sources ? `${landed} file(s) landed, ${quarantined} row(s) quarantined` : "no sources given: kept",
          changed: landed > 0,
        };
      },
    };
  });
}

/** Each model file: its inputs are the schema-qualified tables its SQL reads. */
export function modelAssets(models: readonly Model[] = readModels()): Asset[] {
  return models.map((model) => ({
    name: model.id,
    kind: "model",
    inputs: model.inputs,
    description: model.description,
    model,
    async materialize({ db, staged, unchangedInputs }) {
      const tests = `${model.tests.length} data test${model.tests.length === 1 ? "" : "s"} passed`;
      if (!model.incremental) return { rows: await stageModel(db, model, staged), checks: tests };
      const plan = await planIncrementalBuild(db, model, staged, unchangedInputs);
      const rows = await stageModel(db, model, staged, plan.months);
      const built = plan.months ? `${plan.months.length} of ${plan.monthCount} months rebuilt` : "all months built";
      return { rows, checks: `${built}; ${tests}`, onPublish: () => recordFingerprints(db, model, plan.fingerprints) };
    },
  }));
}

/** The marts and meta tables a metric query's compiled SQL reads. */
function tablesRead(request: MetricQuery, defaultWindow: number, metrics: Catalog): string[] {
  const { sql } = compileMetricQuery(request, { catalog: metrics, defaultWindow });
  return [...sql.matchAll(/"(marts|meta)"\."([a-z_][a-z0-9_]*)"/g)].map(([, schema, table]) => `${schema}.${table}`);
}

/** Each page: its inputs are the marts its metric queries compile to, and the tables its listings say they read. */
export function pageAssets(pages: readonly PageSpec[] = sitePages(), defaultWindow = 12, metrics: Catalog = catalog()): Asset[] {
  return pages.map((page) => {
    const inputs = new Set(pageQueries(page).flatMap((q) => tablesRead(q, defaultWindow, metrics)));
    const blocks = page.sections.flatMap((s) => s.blocks);
    for (const block of blocks) {
      if (block.kind === "listing" || block.kind === "content") for (const table of block.reads ?? []) inputs.add(table);
    }
    // A page of metrics shows the "as of" month; the quality page and the glossary read no mart, so
    // they are written (and say what failed) even when the models could not be built.
    if (pageQueries(page).length > 0) inputs.add("marts.months");
    return { name: `site.${basename(page.file, ".html")}`, kind: "page", inputs: [...inputs].sort(), description: page.title };
  });
}

/** The headline metrics kept per run, so a number on a slide can be traced to the refresh that made it. */
export const SNAPSHOT_METRICS = [
  "arr",
  "nrr",
  "grr",
  "logo_churn",
  "health_score_avg",
  "at_risk_arr",
  "risk_weighted_arr",
  "cost_to_retain",
];

/**
 * The metric snapshot: the headline metrics at every fiscal quarter end, in total (segment null) and by
 * segment, appended to meta.metric_snapshots with the time they were taken. Its inputs are the marts
 * those metrics read.
 */
export function metricSnapshotAsset(defaultWindow = 12, metrics: Catalog = catalog()): Asset {
  const request = { metrics: SNAPSHOT_METRICS, grain: "quarter" as const };
  const inputs = [...new Set(tablesRead(request, defaultWindow, metrics))].sort();
  return {
    name: "metrics.snapshot",
    kind: "metrics",
    inputs,
    description: `headline metrics (${SNAPSHOT_METRICS.join(", ")}) at each quarter end, kept per run`,
    async materialize({ db, config }) {
      const total = await query(db, config, request);
      const bySegment = await query(db, config, { ...request, by: ["segment"] });
      // segment is null for the whole book; a warehouse from before segments gains the column.
      await db.run(
        "CREATE TABLE IF NOT EXISTS meta.metric_snapshots (taken_at TIMESTAMP, period DATE, metric VARCHAR, value DOUBLE PRECISION, segment VARCHAR)",
      );
      await db.run("ALTER TABLE meta.metric_snapshots ADD COLUMN IF NOT EXISTS segment VARCHAR");
      const takenAt = new Date().toISOString();
      let rows = 0;
      await db.transaction(async () => {
        for (const row of [...total.rows, ...bySegment.rows]) {
          for (const metric of SNAPSHOT_METRICS) {
            await db.run(
              "INSERT INTO meta.metric_snapshots (taken_at, period, metric, value, segment) VALUES ($1::TIMESTAMP, $2::DATE, $3, $4, $5)",
              [
                takenAt,
                String(row.period),
                metric,
                typeof row[metric] === "number" ? (row[metric] as number) : null,
                typeof row.segment === "string" ? row.segment : null,
              ],
            );
            rows++;
          }
        }
      });
      const result = total;
      return { rows, checks: `${result.rows.length} quarter ends` };
    },
  };
}

/**
 * The React rules: evaluated on the newest month after the models are published, each alert opened once
 * per episode into meta.alerts and sent to the outlets. An outlet that fails is reported in the checks
 * (and `bellwether status`), never as a failed run.
 */
export function alertsAsset(): Asset {
  const inputs = new Set(["marts.months", "marts.accounts"]);
  for (const rule of DEFAULT_ALERT_RULES) for (const table of ruleQuery(alertRuleSchema.parse(rule), 0).reads) inputs.add(table);
  return {
    name: "alerts",
    kind: "alerts",
    inputs: [...inputs].sort(),
    description: "alert rules evaluated on the newest month, to meta.alerts and the outlets",
    async materialize({ db, config, runId }) {
      const evaluation = await evaluateAlerts(db, config.alerts.rules, runId, config.reportingCurrency);
      const { deliveries, outbox } = await deliverAlerts(db, config, runId, evaluation);
      return {
        rows: evaluation.opened.length,
        checks: [`${evaluation.opened.length} opened, ${evaluation.closed.length} closed`, ...deliveries.map(deliveryCheck)].join("; "),
        outbox: outbox ?? undefined,
      };
    },
  };
}

/**
 * The whole graph, in dependency order; a cycle is refused with its path. Without `assets`, every asset
 * of the built-ins and `project` (a team's models and pages join the graph).
 */
export function assetGraph(assets?: readonly Asset[], project?: Project): Asset[] {
  assets ??= projectAssets(project ?? assembleProject());
  const names = new Set<string>();
  for (const asset of assets) {
    if (names.has(asset.name)) throw new Error(`asset ${asset.name} is declared twice`);
    names.add(asset.name);
  }
  return dependencyOrder(
    assets,
    (a) => a.name,
    (a) => a.inputs,
    "assets",
  );
}

/** The page file an asset named `site.<page>` renders. */
export const pageFile = (asset: Asset) => `${asset.name.slice("site.".length)}.html`;

/** Every asset of a project: its raw tables, models, metric snapshot, alerts and pages. */
function projectAssets({ models, catalog: metrics, pages }: Project): Asset[] {
  return [...rawAssets(), ...modelAssets(models), metricSnapshotAsset(12, metrics), alertsAsset(), ...pageAssets(pages, 12, metrics)];
}
