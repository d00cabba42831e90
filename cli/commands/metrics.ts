import type { Command } from "../command.ts";
import { UsageError } from "../../core/errors.ts";

export const metricsCommand: Command = {
  name: "metrics",
  summary: "the metric catalog: every metric with its definition and formula",
  usage: "bellwether metrics [--format text|json]",
  description:
    "Lists every metric the semantic layer serves — name, label, format, type, definition and formula — and the dimensions they can be grouped by. The same definitions feed `bellwether query`, the site and its glossary. `bellwether query METRIC --sql` shows the SQL a query compiles to.",
  options: {
    format: { type: "string", placeholder: "FORMAT", description: "text (default) or json" },
  },
  examples: ["bellwether metrics", "bellwether metrics --format json | jq '.metrics[].name'"],
  async run({ values, config }) {
    // The project's own metrics and dimensions are listed with the built-in ones.
    const { metrics, dimensions } = (await config()).project.catalog;
    const format = (values.format as string | undefined) ?? "text";
    if (format === "json") {
      process.stdout.write(`${JSON.stringify({ metrics: [...metrics.values()], dimensions: [...dimensions.values()] }, null, 2)}\n`);
      return 0;
    }
    if (format !== "text") throw new UsageError(`--format must be text or json, got "${format}"`);
    const lines: string[] = [];
    for (const m of [...metrics.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(`${m.name} — ${m.label} (${m.format}, ${m.type.replace("_", " ")})`, `  ${m.description}`, `  Formula: ${m.formula}`, "");
    }
    lines.push("Dimensions (--by, --where):");
    for (const d of dimensions.values()) lines.push(`  ${d.name.padEnd(20)} ${d.description}`);
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  },
};
