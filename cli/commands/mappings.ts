import { UsageError } from "../../core/errors.ts";
import { mappingMarkdown } from "../../pipelines/mappings/docs.ts";
import { knownFormats, loadMapping, shippedFormats } from "../../pipelines/mappings/manifest.ts";
import type { Command } from "../command.ts";
import { renderTable } from "../table.ts";

export const mappingsCommand: Command = {
  name: "mappings",
  summary: "vendor export formats and the files each reads",
  usage: "bellwether mappings [FORMAT | MAPPING_DIR] [--format table|markdown]",
  description: `Vendor exports (as Fivetran lands them) reach the landing tables through a declared mapping: the vendor files it reads with their required and optional columns, the rows it drops on purpose and why (counted, never silent), its parameters, and the tables it makes. A sources folder may hold a sub-folder per format (sources/stripe/, sources/salesforce/…) beside canonical files; \`bellwether ingest --dir DIR --format FORMAT\` reads one folder. A folder with your own mapping.json works the same way. docs/mappings/<format>.md is this command's markdown.
Formats: ${shippedFormats().join(", ")}.`,
  positionals: "zero-or-one",
  options: { format: { type: "string", placeholder: "FORMAT", description: "table (default) or markdown" } },
  examples: ["bellwether mappings", "bellwether mappings stripe", "bellwether mappings ./my-mapping --format markdown"],
  async run({ values, positionals, config }) {
    // The project's own mappings are formats too.
    const project = (await config()).project.folder;
    const format = (values.format as string | undefined) ?? "table";
    if (format !== "table" && format !== "markdown") throw new UsageError(`--format must be table or markdown, got "${format}"`);
    const [name] = positionals;
    if (name === undefined) {
      const rows = [...knownFormats(project).keys()].map((f) => {
        const m = loadMapping(f, project).manifest;
        return [
          f,
          m.vendor,
          Object.keys(m.outputs).join(", "),
          Object.values(m.inputs)
            .map((i) => i.files[0])
            .join(", "),
        ];
      });
      process.stdout.write(`${renderTable(["format", "vendor", "makes", "reads"], rows)}\nDetails: bellwether mappings FORMAT\n`);
      return 0;
    }
    const mapping = loadMapping(name, project);
    if (format === "markdown") {
      process.stdout.write(mappingMarkdown(mapping));
      return 0;
    }
    const m = mapping.manifest;
    const out = [`${m.vendor} (${m.format}, landed by ${m.lander}): ${m.description}`, ""];
    out.push(
      renderTable(
        ["vendor table", "required", "optional", "dropped"],
        Object.values(m.inputs).map((i) => [
          i.files.join(" | ") + (i.missingOk ? " (may be missing)" : ""),
          i.required.join(", "),
          i.optional.join(", "),
          [...i.drop.map((d) => d.reason), ...(i.latest ? [i.latest.reason] : [])].join(", "),
        ]),
      ),
      "",
      renderTable(
        ["makes", "from", "how"],
        Object.entries(m.outputs).map(([t, o]) => [t, o?.from ?? "", o?.sql ? `SQL ${o.sql}` : "declared columns"]),
      ),
      "",
      renderTable(
        ["parameter", "default", "what it does"],
        Object.entries(m.params).map(([k, p]) => [k, p.default, p.doc]),
      ),
    );
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  },
};
