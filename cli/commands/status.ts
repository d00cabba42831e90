import { printable } from "../../core/log.ts";
import { configPath } from "../../core/settings.ts";
import { UsageError } from "../../core/errors.ts";
import { openWarehouseForReading } from "../../core/open-warehouse.ts";
import { assetGraph } from "../../orchestration/assets.ts";
import { assetStatus } from "../../orchestration/status.ts";
import { findSources } from "../../pipelines/sources.ts";
import type { Command } from "../command.ts";
import { waitOption, waitSeconds } from "./flags.ts";
import { renderTable } from "../table.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "every asset: when it was last built, whether it is stale, and why",
  usage: "bellwether status [--format table|json] [--stale]",
  description: `Lists every asset of the graph — each landing table (raw.*), each model (staging.*, marts.*), the metric snapshot (metrics.snapshot: headline metrics kept per run in meta.metric_snapshots) and each page of the site (site.*) — with its last good materialisation from meta.materializations (when, rows, the checks that passed) and whether it is fresh. An asset is stale when it was never built, its last attempt failed or was skipped, it is older than its max age (config freshness.maxAgeHours, default 26, or freshness.assets["NAME"]), an input was refreshed after it, or (landing tables) a newer file waits in the config's sources folder. Exits 0 whatever it finds; --format json prints one object per asset for scripts.`,
  options: {
    ...waitOption,
    format: { type: "string", placeholder: "FORMAT", description: "table (default) or json" },
    stale: { type: "boolean", description: "list only stale assets" },
  },
  examples: ["bellwether status", "bellwether status --stale", "bellwether status --format json | jq '.[] | select(.state == \"stale\")'"],
  async run({ values, config: loadConfig }) {
    const format = (values.format as string | undefined) ?? "table";
    if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got "${format}"`);
    const config = await loadConfig();
    const db = await openWarehouseForReading(config, waitSeconds(values));
    try {
      const sources = config.sources ? findSources(configPath(config, config.sources), config.mappings, config.project.folder) : undefined;
      let rows = await assetStatus(db, config, assetGraph(undefined, config.project), { sources });
      if (values.stale) rows = rows.filter((r) => r.state === "stale");
      if (format === "json") {
        process.stdout.write(`${printable(JSON.stringify(rows, null, 2))}\n`);
        return 0;
      }
      const stale = rows.filter((r) => r.state === "stale").length;
      const table = renderTable(
        ["asset", "state", "last built (UTC)", "age", "rows", "newest data", "why"],
        rows.map((r) => [
          r.asset,
          r.state,
          r.last_built?.replace("T", " ").replace(/\.\d+Z$/, "") ?? "—",
          r.age_hours === null ? "—" : `${r.age_hours.toFixed(1)} h`,
          r.rows === null ? "—" : r.rows.toLocaleString("en-US"),
          r.newest_data === null ? "" : `${r.newest_data.slice(0, 10)} (${Math.floor((r.data_age_hours ?? 0) / 24)} days old)`,
          r.reasons.join("; "),
        ]),
      );
      process.stdout.write(`${table}\n\n${stale === 0 ? "Everything is fresh." : `${stale} of ${rows.length} assets are stale.`}\n`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
