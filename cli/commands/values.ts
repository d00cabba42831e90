import { printable } from "../../core/log.ts";
import { closest, InputError, UsageError } from "../../core/errors.ts";
import { openWarehouseForReading } from "../../core/open-warehouse.ts";
import { groupLabel } from "../../core/format.ts";
import { catalog } from "../../metrics/catalog.ts";
import { dimensionValues } from "../../metrics/values.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";
import { waitOption, waitSeconds } from "./flags.ts";

export const valuesCommand: Command = {
  name: "values",
  summary: "a dimension's values, with how many accounts have each",
  usage: "bellwether values DIM [--format table|json]",
  description: `Lists every value a dimension takes in the warehouse — what --by groups by and --where can filter on, spelled exactly — with the number of accounts that have had it in any month (empty for dimensions of rows that are not accounts', such as cost_center).
Dimensions: ${[...catalog().dimensions.keys()].join(", ")}.`,
  positionals: "zero-or-one",
  options: {
    format: { type: "string", placeholder: "FORMAT", description: "table (default) or json" },
    ...waitOption,
  },
  examples: ["bellwether values segment", "bellwether values owner_csm --format json"],
  async run({ values, positionals, config: loadConfig }) {
    const format = (values.format as string | undefined) ?? "table";
    if (format !== "table" && format !== "json") throw new UsageError(`--format must be table or json, got "${format}"`);
    const [name] = positionals;
    const config = await loadConfig();
    const dimensions = config.project.catalog.dimensions;
    if (!name) throw new UsageError(`name a dimension, e.g. bellwether values segment (dimensions: ${[...dimensions.keys()].join(", ")})`);
    const dimension = dimensions.get(name);
    if (!dimension) {
      const hint = closest(name, [...dimensions.keys()]);
      throw new UsageError(
        `unknown dimension "${name}"${hint ? ` — did you mean "${hint}"?` : ""} (dimensions: ${[...dimensions.keys()].join(", ")})`,
      );
    }
    const db = await openWarehouseForReading(config, waitSeconds(values));
    try {
      if (!(await db.tableExists("marts", "account_months"))) {
        throw new InputError(`${db.path}: no marts in this warehouse yet; run \`bellwether build\` first`);
      }
      const rows = await dimensionValues(db, config.project.catalog, dimension);
      if (format === "json") process.stdout.write(`${printable(JSON.stringify(rows, null, 2))}\n`);
      else {
        const shown = rows.map((r) => [groupLabel(r.value), r.accounts === null ? "" : r.accounts.toLocaleString("en-US")]);
        process.stdout.write(`${renderTable([name, "accounts"], shown)}\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
