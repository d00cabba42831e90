import type { TableName } from "../contracts/index.ts";
import { loadMapping, type Mapping, shippedFormats } from "./manifest.ts";

const code = (s: string) => `\`${s.replaceAll("`", "'")}\``;
const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The page docs/mappings/<format>.md: what files to export, what is read, what is dropped and why, what each parameter does. */
export function mappingMarkdown(mapping: Mapping): string {
  const { manifest } = mapping;
  const out = [
    `# ${manifest.vendor} (\`${manifest.format}\`)`,
    "",
    `<!-- Generated from pipelines/mappings/${manifest.format}/mapping.json by \`bellwether mappings ${manifest.format} --format markdown\`; do not edit. -->`,
    "",
    manifest.description,
    "",
    `Landed by: ${manifest.lander}. Put the files in \`sources/${manifest.format}/\` (one file per vendor table, \`<table>.csv\` or \`.parquet\`, optionally \`.gz\`), or run \`bellwether ingest --dir DIR --format ${manifest.format}\`. Headers match in any case; other columns are ignored.`,
    "",
    "## Files",
    "",
    "| vendor table (first found) | required columns | optional columns | dropped (counted) |",
    "|---|---|---|---|",
  ];
  for (const [, input] of Object.entries(manifest.inputs)) {
    const drops = [
      ...input.drop.map((d) => `${code(d.reason)}: ${d.doc ?? d.when}`),
      ...(input.latest ? [`${code(input.latest.reason)}: all but the newest row per ${input.latest.key.join(", ")}`] : []),
    ];
    const aliases = Object.entries(input.aliases).map(
      ([c, a]) => `${c} also as ${a.map((x) => (x.startsWith("param:") ? `the column named by ${x.slice(6)}` : x)).join(", ")}`,
    );
    out.push(
      `| ${input.files.map(code).join(" or ")}${input.missingOk ? " (may be missing)" : ""} | ${input.required.join(", ")} | ${cell([input.optional.join(", "), ...aliases].filter(Boolean).join("; "))} | ${cell(drops.join("; "))} |`,
    );
  }
  out.push("", "## Tables it makes", "", "| table | from | how |", "|---|---|---|");
  for (const [table, output] of Object.entries(manifest.outputs) as [TableName, NonNullable<Mapping["manifest"]["outputs"][TableName]>][]) {
    const when = Object.entries(output.when ?? {}).map(([k, v]) => `only when ${k} = ${v}`);
    const how = [
      output.doc ?? "",
      output.sql ? `SQL: \`${output.sql}\`` : `columns: ${Object.keys(output.columns ?? {}).join(", ")}`,
      ...when,
    ]
      .filter(Boolean)
      .join(" ");
    out.push(`| ${code(table)} | ${code(output.from)} | ${cell(how)} |`);
  }
  const params = Object.entries(manifest.params);
  if (params.length) {
    out.push(
      "",
      "## Parameters",
      "",
      "Set them in the config (`mappings: { " + manifest.format + ": { params: { … } } }`) or with `--param KEY=VALUE`.",
      "",
    );
    out.push("| parameter | default | values | what it does |", "|---|---|---|---|");
    for (const [name, p] of params)
      out.push(`| ${code(name)} | ${p.default ? code(p.default) : "(empty)"} | ${p.enum?.join(", ") ?? "any"} | ${cell(p.doc)} |`);
  }
  if (manifest.accounts) {
    out.push(
      "",
      "## Accounts",
      "",
      `Rows reach Bellwether's accounts through \`account_id\`: ${Object.entries(manifest.accounts.choices)
        .map(([k, v]) => `${code(k)} (${code(v)} of ${manifest.accounts?.input})`)
        .join(
          ", ",
        )}, or ${code("crosswalk")}: a \`crosswalk.csv\` (columns \`system,key,account_id\`, system \`${manifest.accounts.system}\`) in the vendor folder or the sources folder. A key that resolves to no account is quarantined as an orphan with the key shown; a Salesforce id in its 15-character form finds the account with the 18-character id.`,
    );
  }
  return `${out.join("\n")}\n`;
}

export const allMappingDocs = (): Map<string, string> => new Map(shippedFormats().map((f) => [f, mappingMarkdown(loadMapping(f))]));
