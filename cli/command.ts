import { resolve } from "node:path";
import { isPostgresUrl } from "../core/postgres-warehouse.ts";
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../project/config.ts";
import { isIsoDate } from "../core/dates.ts";
import { UsageError } from "../core/errors.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  placeholder?: string;
  description: string;
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Loads the config (from --config or ./bellwether.config.ts) with --warehouse applied. */
  config(): Promise<Config>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** A paragraph that teaches: what it does, what it reads and writes. */
  description: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  positionals?: "none" | "zero-or-one" | "one-or-more";
  run(context: CommandContext): Promise<number>;
}

export const globalOptions: Record<string, OptionSpec> = {
  warehouse: {
    type: "string",
    placeholder: "FILE|URL",
    description:
      "DuckDB warehouse file (default ./warehouse.duckdb, or the config's), or postgres://user@host/db?schema=NAME to run on PostgreSQL (add &raw=SCHEMA to read raw tables a loader already landed there)",
  },
  config: { type: "string", placeholder: "FILE", description: "config file (default ./bellwether.config.ts when present)" },
  quiet: { type: "boolean", description: "no progress output on stderr" },
  help: { type: "boolean", description: "show this help" },
};

export function helpText(command: Command): string {
  const all = { ...command.options, ...globalOptions };
  const width = Math.max(...Object.entries(all).map(([n, o]) => optionLabel(n, o).length));
  const lines = Object.entries(all).map(([name, o]) => `  ${optionLabel(name, o).padEnd(width)}  ${o.description}`);
  return [
    `bellwether ${command.name} — ${command.summary}`,
    "",
    `Usage: ${command.usage}`,
    "",
    wrap(command.description),
    "",
    "Options:",
    ...lines,
    "",
    "Examples:",
    ...command.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

function optionLabel(name: string, option: OptionSpec): string {
  return `--${name}${option.type === "string" ? ` ${option.placeholder ?? "VALUE"}` : ""}`;
}

function wrap(text: string, width = 96): string {
  return text
    .split("\n")
    .map((paragraph) => {
      const words = paragraph.split(/\s+/).filter(Boolean);
      const out: string[] = [];
      let line = "";
      for (const word of words) {
        if (line && line.length + word.length + 1 > width) {
          out.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
      if (line) out.push(line);
      return out.join("\n");
    })
    .join("\n");
}

/** Parses a command's arguments; unknown flags and missing values are usage errors (exit 2). */
export function parseCommandArgs(command: Command, argv: string[]): CommandContext {
  const spec = { ...command.options, ...globalOptions };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([n, o]) => [n, { type: o.type, multiple: o.multiple ?? false }])),
      allowPositionals: command.positionals === "one-or-more" || command.positionals === "zero-or-one",
      strict: true,
    });
    if (command.positionals === "zero-or-one" && parsed.positionals.length > 1) {
      throw new Error(`give at most one name, got ${parsed.positionals.join(" ")}`);
    }
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, "")}\nSee: bellwether ${command.name} --help`);
  }
  const values = parsed.values as CommandContext["values"];
  return {
    values,
    positionals: parsed.positionals,
    async config() {
      const config = await loadConfig(values.config as string | undefined);
      // A flag is relative to where the command runs; the config's own paths to the config's folder.
      if (typeof values.warehouse === "string")
        config.warehouse = isPostgresUrl(values.warehouse) ? values.warehouse : resolve(values.warehouse);
      const asOf = values["as-of"];
      if (typeof asOf === "string") {
        if (!isIsoDate(asOf)) throw new UsageError(`--as-of must be an ISO date (YYYY-MM-DD), got "${asOf}"`);
        config.asOf = asOf;
      }
      return config;
    },
  };
}
