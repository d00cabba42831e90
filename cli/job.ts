import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { info } from "../core/log.ts";
import { openWarehouse } from "../core/warehouse.ts";
import { printPdf } from "../dashboards/pdf.ts";
import { renderSite } from "../dashboards/render.ts";
import { runModels } from "../models/run.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";
import { printLoadSummary } from "./commands/ingest.ts";

export interface JobOptions {
  /** Land this folder first. */
  sourcesDir?: string;
  /** Build only these models (`NAME` or `NAME+`); the site is left alone. */
  select?: string;
  /** Render the site here after a full model build. */
  siteDir: string;
  /** Also print the board page to board.pdf in the site folder. */
  pdf?: boolean;
}

/**
 * The main job: land sources, build models, render the site. A failing step stops the steps after it,
 * and each step leaves what it could not finish as it was. Returns the exit status.
 */
export async function runJob(config: Config, options: JobOptions): Promise<number> {
  const db = await openWarehouse(config);
  try {
    if (options.sourcesDir) {
      info("Landing sources");
      const loads = await ingest(db, findSources(options.sourcesDir));
      printLoadSummary(loads);
      if (loads.some((l) => l.status === "refused")) {
        process.stderr.write("error: a source file was refused; models and site were not rebuilt\n");
        return 1;
      }
    }
    info(options.select ? `Building ${options.select}` : "Building models");
    const models = await runModels(db, config, { select: options.select });
    const failed = models.filter((m) => m.status !== "built");
    if (failed.length > 0) {
      for (const m of failed) process.stderr.write(`error: ${m.model}: ${m.error}\n`);
      process.stderr.write("error: models failed; the tables they would have replaced, and the site, are as they were\n");
      return 1;
    }
    if (options.select) return 0;
    info("Rendering site");
    const site = await renderSite(db, config, options.siteDir);
    process.stdout.write(`Warehouse: ${db.path}\nSite:      ${site.pages[0]}\n`);
    if (options.pdf) {
      info(`Printing the board report (${config.site.paper})`);
      const pdf = join(options.siteDir, "board.pdf");
      await printPdf(join(options.siteDir, "board.html"), pdf, config.site.paper);
      process.stdout.write(`PDF:       ${pdf}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}
