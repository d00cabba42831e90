import { deliveryCheck, type Outbox, recordDeliveries } from "../alerts/outlets.ts";
import type { Source } from "../pipelines/source.ts";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../project/config.ts";
import { step } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { recoverSite, renderPages } from "../dashboards/render.ts";
import { writeConfigTables } from "../models/config-tables.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { ensureFreshnessView, ensureLandingTables } from "../pipelines/schema.ts";
import { discardStaged, publishModels } from "../models/build.ts";
import type { Model } from "../models/model.ts";
import type { Asset, Materialized } from "./asset.ts";
import { assetGraph, pageFile } from "./assets.ts";
import {
  appendChecks,
  ensureHistoryTables,
  finishRun,
  lastBuilds,
  type MaterializationRecord,
  recordMaterialization,
  recoverAbandonedRuns,
  startRun,
} from "./history.ts";
import { selectAssets } from "./select.ts";
import { assetFingerprint, runSignature } from "./signature.ts";

export interface RunOptions {
  /** `NAME`, `NAME+`, `+NAME`; every asset when absent. */
  select?: string;
  /** Files per landing table to land; raw tables are kept as they are without. */
  sources?: ReadonlyMap<string, readonly Source[]>;
  /** Where pages are rendered; needed only when pages are among the assets. */
  siteDir?: string;
  job?: string;
  trigger?: "manual" | "schedule";
  scheduledFor?: Date;
  sourcesSignature?: string;
  assets?: Asset[];
  /** Rebuild every asset, whether or not its inputs changed. */
  fullRefresh?: boolean;
  /**
   * Leave the webhook's alerts in `outboxes` for the caller to send once it has released the warehouse
   * (sendOutboxes); by default they are sent at the end of the run, after the site is published.
   */
  deferOutlets?: boolean;
}

export interface RunResult {
  runId: string;
  status: "succeeded" | "failed";
  materializations: MaterializationRecord[];
  /** Alerts still to send (deferOutlets). */
  outboxes: Outbox[];
}

/**
 * Sends what a run left to send and records how each delivery went, in meta.alert_deliveries and the
 * alerts asset's checks; `open` gives the warehouse to record in (reopened by a job that released it).
 */
export async function sendOutboxes(outboxes: readonly Outbox[], open: () => Promise<{ db: Warehouse; done(): Promise<void> }>) {
  if (outboxes.length === 0) return;
  const sent = await Promise.all(outboxes.map(async (outbox) => ({ outbox, deliveries: await outbox.send() })));
  const { db, done } = await open();
  try {
    for (const { outbox, deliveries } of sent) {
      await recordDeliveries(db, outbox.runId, outbox.opened, deliveries);
      await appendChecks(db, outbox.runId, "alerts", deliveries.map(deliveryCheck).join("; "));
    }
  } finally {
    await done();
  }
}

/**
 * Materialises the selected assets in dependency order and records the run and each asset in
 * meta.runs / meta.materializations. A failed asset skips exactly the assets downstream of it. Models
 * swap in only when built and tested; the site swaps in whole. A run killed part-way leaves the last
 * good tables and site, and the next run cleans up after it.
 */
export async function runAssets(db: Warehouse, config: Config, options: RunOptions): Promise<RunResult> {
  const graph = assetGraph(options.assets, config.project);
  const selected = options.select ? selectAssets(graph, options.select) : new Set(graph.map((a) => a.name));
  await ensureHistoryTables(db);
  await recoverAbandonedRuns(db);
  if (options.siteDir) recoverSite(options.siteDir);
  await writeConfigTables(db, config);
  // Models read every landing table; on a new warehouse they exist, empty, before anything lands.
  for (const contract of Object.values(contracts)) await ensureLandingTables(db, contract);
  await ensureFreshnessView(db);
  await db.run("CREATE SCHEMA IF NOT EXISTS staging; CREATE SCHEMA IF NOT EXISTS marts");
  // An asset whose inputs did not change since its last good build, made with the same code, project
  // and config, is left as it is (recorded "unchanged"). An explicit --select rebuilds what it names.
  const signature = runSignature(config, db.dialect.name);
  const fingerprintOf = (asset: Asset) => assetFingerprint(asset, signature);
  const previous = await lastBuilds(db);
  const refreshed = new Set<string>();
  const upToDate = (asset: Asset) => {
    // Raw tables a loader writes itself (PostgreSQL ?raw=) change without a landing: nothing can be skipped.
    if (options.fullRefresh || options.select || db.rawTablesFrom) return false;
    const last = previous.get(asset.name);
    if (!last || last.fingerprint !== fingerprintOf(asset) || last.failedSince) return false;
    if (asset.kind === "page" && options.siteDir && !existsSync(join(options.siteDir, pageFile(asset)))) return false;
    return asset.inputs.every((input) => unchangedSince(input, last.builtAt));
  };
  const unchangedSince = (input: string, builtAt: number) => !refreshed.has(input) && (previous.get(input)?.builtAt ?? 0) <= builtAt;
  /** What an incremental model may keep: the inputs unchanged since its last good build by the same code. */
  const unchangedInputsOf = (asset: Asset) => {
    const last = previous.get(asset.name);
    if (options.fullRefresh || db.rawTablesFrom || !last || last.fingerprint !== fingerprintOf(asset)) return undefined;
    return new Set(asset.inputs.filter((input) => unchangedSince(input, last.builtAt)));
  };
  const runId = randomUUID();
  await startRun(db, {
    runId,
    job: options.job ?? "run",
    selection: options.select ?? null,
    trigger: options.trigger ?? "manual",
    scheduledFor: options.scheduledFor ?? null,
    sourcesSignature: options.sourcesSignature ?? null,
  });
  const records: MaterializationRecord[] = [];
  const record = async (m: MaterializationRecord) => {
    records.push(m);
    // A file landed or refused is a new row of meta.loads, which the quality page reads.
    if (m.kind === "raw" && m.status !== "unchanged") refreshed.add("meta.loads");
    await recordMaterialization(db, runId, m);
  };
  const broken = new Map<string, string>();
  /** Why an asset cannot be made: the reason of its first broken input ("marts.x failed"). */
  const blockerOf = (asset: Asset) => asset.inputs.map((input) => broken.get(input)).find((reason) => reason !== undefined);
  const skip = async (asset: Asset, error: string, forDependents = error) => {
    broken.set(asset.name, forDependents);
    await record({ asset: asset.name, kind: asset.kind, status: "skipped", rows: null, seconds: 0, checks: null, error });
  };
  const materialize = async (asset: Asset) => {
    const started = performance.now();
    try {
      const made = await step(
        asset.name,
        () =>
          (asset.materialize as NonNullable<Asset["materialize"]>)({
            db,
            config,
            sources: options.sources,
            staged,
            runId,
            unchangedInputs: unchangedInputsOf(asset),
            fullRefresh: options.fullRefresh,
          }),
        (m) => `${m.rows.toLocaleString("en-US")} rows`,
      );
      return { asset, made, seconds: elapsed(started) };
    } catch (error) {
      broken.set(asset.name, `${asset.name} failed`);
      await record({
        asset: asset.name,
        kind: asset.kind,
        status: "failed",
        rows: null,
        seconds: elapsed(started),
        checks: null,
        error: (error as Error).message,
      });
      return undefined;
    }
  };
  const built = async (done: { asset: Asset; made: Materialized; seconds: number }) => {
    const changed = done.made.changed !== false;
    if (changed) refreshed.add(done.asset.name);
    await record({
      asset: done.asset.name,
      kind: done.asset.kind,
      status: changed ? "built" : "unchanged",
      rows: done.made.rows,
      seconds: done.seconds,
      checks: done.made.checks,
      error: null,
      fingerprint: fingerprintOf(done.asset),
    });
  };
  const unchanged = (asset: Asset) =>
    record({ asset: asset.name, kind: asset.kind, status: "unchanged", rows: null, seconds: 0, checks: "inputs unchanged", error: null });

  // Landing and models in dependency order; what reads the models (the snapshot, pages) waits until
  // the models are published, so it never sees a half-refreshed set.
  const staged = new Set<string>();
  const stagedDone: { asset: Asset; made: Materialized; seconds: number }[] = [];
  const afterModels: Asset[] = [];
  for (const asset of graph) {
    // Without sources a landing table is as it was: nothing to materialise, nothing to record.
    if (!selected.has(asset.name) || (asset.kind === "raw" && !options.sources)) continue;
    if (asset.kind === "page" || asset.kind === "metrics" || asset.kind === "alerts" || !asset.materialize) {
      afterModels.push(asset);
      continue;
    }
    const blocker = blockerOf(asset);
    if (blocker) {
      await skip(asset, blocker);
      continue;
    }
    if (asset.kind !== "raw" && upToDate(asset)) {
      await unchanged(asset);
      continue;
    }
    const done = await materialize(asset);
    if (!done) continue;
    if (asset.model) {
      // What reads it later in this run must be rebuilt too.
      refreshed.add(asset.name);
      staged.add(asset.name);
      stagedDone.push(done);
    } else await built(done);
  }
  const stagedModels = stagedDone.map((d) => d.asset.model as Model);
  const failedModel = records.find((r) => r.kind === "model" && r.status === "failed")?.asset;
  if (failedModel) {
    // One set or nothing: a model built beside a failed one would mix this run's numbers with the last.
    await discardStaged(db, stagedModels);
    for (const done of stagedDone) {
      await skip(done.asset, `not published: ${failedModel} failed, and a run's models swap in together`, `${failedModel} failed`);
    }
  } else {
    await publishModels(
      db,
      stagedModels,
      stagedDone.flatMap((d) => (d.made.onPublish ? [d.made.onPublish] : [])),
    );
    for (const done of stagedDone) await built(done);
  }

  const pages: Asset[] = [];
  const unbuilt = new Map<string, string>();
  const outboxes: Outbox[] = [];
  for (const asset of afterModels) {
    const blocker = blockerOf(asset);
    if (blocker) {
      await skip(asset, blocker);
      if (asset.kind === "page") unbuilt.set(pageFile(asset), blocker);
      continue;
    }
    if (upToDate(asset)) {
      await unchanged(asset);
      continue;
    }
    if (asset.kind === "page" || !asset.materialize) {
      pages.push(asset);
      continue;
    }
    const done = await materialize(asset);
    if (done?.made.outbox) outboxes.push(done.made.outbox);
    if (done) await built(done);
  }
  if (pages.length || (unbuilt.size && options.siteDir)) {
    // Pages are rendered together and the site swapped in once; a failed or skipped page keeps its
    // previous version, or, with none, is a page saying why, so that no link is broken.
    if (!options.siteDir) throw new Error("pages are selected but no site folder was given");
    const results = await renderPages(db, config, options.siteDir, undefined, new Set(pages.map(pageFile)), unbuilt);
    for (const asset of pages) {
      const result = results.find((r) => r.file === pageFile(asset));
      await record({
        asset: asset.name,
        kind: "page",
        status: result?.status === "rendered" ? "built" : "failed",
        rows: null,
        seconds: result?.seconds ?? 0,
        checks: null,
        error: result?.error ?? (result ? null : "no such page"),
        fingerprint: fingerprintOf(asset),
      });
    }
  }
  const failed = records.filter((r) => r.status === "failed");
  const status = failed.length ? "failed" : "succeeded";
  await finishRun(db, runId, status, failed.length ? failed.map((f) => `${f.asset}: ${f.error}`).join("\n") : null);
  if (options.deferOutlets) return { runId, status, materializations: records, outboxes };
  await sendOutboxes(outboxes, async () => ({ db, done: async () => {} }));
  return { runId, status, materializations: records, outboxes: [] };
}

const elapsed = (started: number) => (performance.now() - started) / 1000;
