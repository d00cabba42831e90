import { resolve } from "node:path";
import { configPath } from "../../core/config.ts";
import type { Command } from "../command.ts";
import { runJob } from "../job.ts";

export const runCommand: Command = {
  name: "run",
  summary: "build models (all, or one and what depends on it), then the site",
  usage: "bellwether run [--select NAME | NAME+] [--sources DIR] [--site DIR]",
  description: `Builds the warehouse's models in dependency order: each model is built under a temporary name, its data tests run, and only then is it swapped in, so a failed model (bad SQL or a failing test) leaves its previous table readable and skips everything downstream of it. --select NAME builds one model; NAME+ builds it and everything that reads it, directly or not. With --sources, the folder is landed first. A full run (no --select) then renders the site.
Models live in models/staging and models/marts, one SQL file each; a model's inputs are the schema-qualified tables its SQL reads, and its data tests are the "-- @test" lines in its header.`,
  options: {
    select: { type: "string", placeholder: "NAME[+]", description: "a model (e.g. arr_movements), with + for everything downstream" },
    sources: { type: "string", placeholder: "DIR", description: "land this sources folder first" },
    site: { type: "string", placeholder: "DIR", description: "where a full run writes the site (default ./site)" },
  },
  examples: ["bellwether run", "bellwether run --select subscription_lines+", "bellwether run --sources ./exports"],
  async run({ values, config: loadConfig }) {
    const config = await loadConfig();
    return runJob(config, {
      sourcesDir: typeof values.sources === "string" ? resolve(values.sources) : undefined,
      select: values.select as string | undefined,
      siteDir: typeof values.site === "string" ? resolve(values.site) : configPath(config, config.site.outDir),
    });
  },
};
