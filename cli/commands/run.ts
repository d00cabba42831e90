import { resolve } from "node:path";
import { configPath } from "../../core/settings.ts";
import type { Command } from "../command.ts";
import { asOfOption } from "./flags.ts";
import { runJob } from "../job.ts";

export const runCommand: Command = {
  name: "run",
  summary: "materialise the asset graph (or a selection of it): tables, models, pages",
  usage: "bellwether run [--select NAME | NAME+ | +NAME] [--sources DIR] [--site DIR] [--full-refresh]",
  description: `Materialises assets in dependency order and records the run in meta.runs and each asset in meta.materializations (rows, time, checks, error). Assets are the landing tables (raw.*, landed from --sources when given), the models (staging.*, marts.*: built under a temporary name, tested, then swapped in), the metric snapshot (metrics.snapshot: headline metrics appended to meta.metric_snapshots) and the site's pages (site.*: rendered together, the site swapped in whole). A failed asset skips exactly the assets downstream of it; the previous tables and pages stay readable throughout, and a run killed part-way is cleaned up by the next. One run at a time: a second one against the same warehouse is refused with the name of the one running.
An asset whose inputs did not change since its last good build, made with the same code, project files and config, is left as it is and recorded "unchanged": a run with nothing new says so and takes seconds; --full-refresh rebuilds everything. --select NAME materialises one asset; NAME+ adds everything that reads it, +NAME everything it reads. Bare names work when unique (arr_movements, board). bellwether status lists every asset.`,
  options: {
    ...asOfOption,
    select: {
      type: "string",
      placeholder: "[+]NAME[+]",
      description: "an asset (e.g. arr_movements, site.board); + after: and downstream; + before: and upstream",
    },
    sources: { type: "string", placeholder: "DIR", description: "land this sources folder first" },
    site: { type: "string", placeholder: "DIR", description: "where a full run writes the site (default ./site)" },
    "full-refresh": { type: "boolean", description: "rebuild every asset, even those whose inputs did not change" },
  },
  examples: [
    "bellwether run",
    "bellwether run --select subscription_lines+",
    "bellwether run --select +board",
    "bellwether run --sources ./exports",
  ],
  async run({ values, config: loadConfig }) {
    const config = await loadConfig();
    return runJob(config, {
      sourcesDir: typeof values.sources === "string" ? resolve(values.sources) : undefined,
      select: values.select as string | undefined,
      siteDir: typeof values.site === "string" ? resolve(values.site) : configPath(config, config.site.outDir),
      fullRefresh: values["full-refresh"] === true,
    });
  },
};
