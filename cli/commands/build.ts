import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { configPath } from "../../core/settings.ts";
import { openWarehouseForReading, warehouseLocation } from "../../core/open-warehouse.ts";
import { isPostgresUrl } from "../../core/postgres-warehouse.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { findChromium, INSTALL_CHROMIUM } from "../../dashboards/pdf.ts";
import { info, progress } from "../../core/log.ts";
import { checkOrigin, sampleDir } from "../../pipelines/origin.ts";
import { ensureSampleFolder } from "../../pipelines/sample/folder.ts";
import { SAMPLE_SCALES } from "../../pipelines/sample/generate.ts";
import type { Command } from "../command.ts";
import { asOfOption } from "./flags.ts";
import { runJob } from "../job.ts";

export const buildCommand: Command = {
  name: "build",
  summary: "ingest, build every model and render the site, in one go",
  usage: "bellwether build [--sample | --sources DIR] [--site DIR] [--pdf] [--full-refresh]",
  description: `The whole job: lands the sources into the warehouse (skipping files already landed), builds every staging and mart model with its data tests, and renders the static site; a model or page whose inputs did not change since it was last built (same code, project and config) is left as it is. With --sample it first writes the default sample (600 accounts, 36 months, seed 1) to .bellwether/sample beside the warehouse. A step that fails stops the ones after it: a refused file stops the models, a failed model stops the site, and the previous tables and site stay as they were.
Prints the paths of the warehouse and of site/index.html on success (and of board.pdf with --pdf, printed through the system Chromium); exits 1 on bad input or a failed check.`,
  options: {
    ...asOfOption,
    sample: { type: "boolean", description: "build from the generated sample data" },
    sources: { type: "string", placeholder: "DIR", description: "sources folder (default: the config's `sources`)" },
    site: { type: "string", placeholder: "DIR", description: "where to write the site (default ./site, or the config's site.outDir)" },
    pdf: {
      type: "boolean",
      description: "also print the board report to SITE/board.pdf with the system Chromium (paper: config site.paper, A4 by default)",
    },
    "full-refresh": { type: "boolean", description: "rebuild every model and page, even those whose inputs did not change" },
  },
  examples: ["bellwether build --sample", "bellwether build --sources ./exports --site ./public/cs", "bellwether build --sample --pdf"],
  async run({ values, config: loadConfig }) {
    const config = await loadConfig();
    const warehousePath = warehouseLocation(config);
    const siteDir = typeof values.site === "string" ? resolve(values.site) : configPath(config, config.site.outDir);
    if (values.sample && values.sources) throw new UsageError("give --sample or --sources DIR, not both");
    // Say so before an hour of landing, not after.
    if (values.pdf && !findChromium()) throw new InputError(INSTALL_CHROMIUM);
    let sourcesDir: string;
    if (values.sample) {
      sourcesDir = sampleDir(warehousePath);
      // Refuse before writing the sample, not after.
      if (isPostgresUrl(warehousePath) || existsSync(warehousePath)) {
        const db = await openWarehouseForReading(config);
        try {
          await checkOrigin(db, "sample", sourcesDir);
        } finally {
          await db.close();
        }
      }
      const written = await ensureSampleFolder({ out: sourcesDir, ...SAMPLE_SCALES.small, seed: "1", onProgress: progress("accounts") });
      info(`Sample data → ${sourcesDir}${written === "kept" ? " (as it was: the same files)" : ""}`);
    } else if (typeof values.sources === "string") sourcesDir = resolve(values.sources);
    else if (config.sources) sourcesDir = configPath(config, config.sources);
    else throw new UsageError("build needs --sample or --sources DIR (or `sources` in the config)\nSee: bellwether build --help");

    return runJob(config, { sourcesDir, siteDir, pdf: values.pdf === true, fullRefresh: values["full-refresh"] === true });
  },
};
