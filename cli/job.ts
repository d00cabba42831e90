import { join } from "node:path";
import type { Config } from "../project/config.ts";
import { info, printable, warn } from "../core/log.ts";
import { redactUrls } from "../core/secrets.ts";
import { openWarehouse } from "../core/open-warehouse.ts";
import { type Warehouse } from "../core/warehouse.ts";
import { readNotices } from "../dashboards/notices.ts";
import { printPdf } from "../dashboards/pdf.ts";
import type { Outbox } from "../alerts/outlets.ts";
import { runAssets, sendOutboxes } from "../orchestration/run.ts";
import { claimOrigin, originOf } from "../pipelines/origin.ts";
import { findSources } from "../pipelines/sources.ts";

export interface JobOptions {
  /** Land this folder first. */
  sourcesDir?: string;
  /** `NAME`, `NAME+` or `+NAME`: only these assets. */
  select?: string;
  /** Where pages are rendered. */
  siteDir: string;
  /** Also print the board page to board.pdf in the site folder. */
  pdf?: boolean;
  /** For run history: the job's name, and the schedule tick it serves. */
  job?: string;
  scheduledFor?: Date;
  sourcesSignature?: string;
  /** Rebuild every asset, whether or not its inputs changed. */
  fullRefresh?: boolean;
}

/**
 * The main job: land sources, build models, render the site, as one recorded run of the asset graph.
 * A failing asset stops what reads it, and leaves what it could not finish as it was. Returns the exit status.
 */
export async function runJob(config: Config, options: JobOptions): Promise<number> {
  const outboxes: Outbox[] = [];
  const status = await runHoldingWarehouse(config, options, outboxes);
  // The webhook last, with the warehouse released and the site published: a slow or silent receiver
  // holds up no reader. How it went is recorded in the warehouse, reopened for a moment.
  try {
    await sendOutboxes(outboxes, async () => {
      const db = await openWarehouse(config);
      const release = await db.holdForWriting("alerts");
      const done = async () => {
        await release();
        await db.close();
      };
      return { db, done };
    });
  } catch (error) {
    warn(`the alerts' webhook was tried, but its delivery could not be recorded: ${(error as Error).message}`);
  }
  return status;
}

async function runHoldingWarehouse(config: Config, options: JobOptions, outboxes: Outbox[]): Promise<number> {
  const db = await openWarehouse(config);
  // Claimed before anything is written (the origin too): a second writer is refused at once, never
  // left waiting on the first one's locks.
  let release: () => Promise<void>;
  try {
    release = await db.holdForWriting(options.job ? `schedule (${options.job})` : "run");
  } catch (error) {
    await db.close();
    throw error;
  }
  try {
    if (options.sourcesDir) await claimOrigin(db, originOf(options.sourcesDir, db.path), options.sourcesDir);
    info(options.select ? `Materialising ${options.select}` : "Landing sources, building models, rendering the site");
    const run = await runAssets(db, config, {
      select: options.select,
      sources: options.sourcesDir ? findSources(options.sourcesDir, config.mappings, config.project.folder) : undefined,
      siteDir: options.siteDir,
      job: options.job,
      trigger: options.job ? "schedule" : "manual",
      scheduledFor: options.scheduledFor,
      sourcesSignature: options.sourcesSignature,
      fullRefresh: options.fullRefresh,
      deferOutlets: true,
    });
    outboxes.push(...run.outboxes);
    const unchanged = run.materializations.filter((m) => m.status === "unchanged" && m.kind !== "raw");
    if (unchanged.length && run.materializations.every((m) => m.status === "unchanged"))
      info(`Nothing changed: all ${unchanged.length} models, pages and snapshots are up to date (--full-refresh rebuilds them)`);
    else if (unchanged.length) info(`${unchanged.length} assets up to date, left as they were`);
    const failed = run.materializations.filter((m) => m.status === "failed");
    const skipped = run.materializations.filter((m) => m.status === "skipped");
    for (const m of failed) process.stderr.write(`error: ${m.asset}: ${printable(redactUrls(m.error ?? ""))}\n`);
    if (skipped.length) process.stderr.write(`skipped (an input failed): ${skipped.map((m) => m.asset).join(", ")}\n`);
    if (failed.length) {
      process.stderr.write("error: the failed assets, and what reads them, are as they were; everything else was refreshed\n");
      return 1;
    }
    await reportAsOf(db, config.reportingCurrency);
    const site = run.materializations.some((m) => m.kind === "page");
    process.stdout.write(`Warehouse: ${db.path}\n${site ? `Site:      ${join(options.siteDir, "index.html")}\n` : ""}`);
    if (options.pdf) {
      info(`Printing the board report (${config.site.paper})`);
      const pdf = join(options.siteDir, "board.pdf");
      await printPdf(join(options.siteDir, "board.html"), pdf, config.site.paper);
      process.stdout.write(`PDF:       ${pdf}\n`);
    }
    return 0;
  } finally {
    await release();
    await db.close();
  }
}

/** The build's as-of date on stderr, and every notice the pages show (lines past it, exports never landed, lines left out). */
async function reportAsOf(db: Warehouse, currency: string): Promise<void> {
  const notices = await readNotices(db, currency);
  if (!notices.asOf) return;
  const row = await db.one<{ from_config: boolean }>("SELECT from_config FROM marts.as_of");
  info(
    `As of ${notices.asOf.date}${notices.asOf.monthToDate ? " (its month to date)" : ""}: ${row?.from_config ? "from the config or --as-of" : "the newest day with activity in the data"}`,
  );
  if (notices.schedule) info(notices.schedule);
  for (const sentence of notices.sentences) warn(sentence);
}
