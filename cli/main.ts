import { closest, InputError, UsageError } from "../core/errors.ts";
import { setQuiet } from "../core/log.ts";
import { type Command, helpText, parseCommandArgs } from "./command.ts";
import { alertsCommand } from "./commands/alerts.ts";
import { buildCommand } from "./commands/build.ts";
import { contractsCommand } from "./commands/contracts.ts";
import { valuesCommand } from "./commands/values.ts";
import { icpCommand } from "./commands/icp.ts";
import { initCommand } from "./commands/init.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { mappingsCommand } from "./commands/mappings.ts";
import { metricsCommand } from "./commands/metrics.ts";
import { queryCommand } from "./commands/query.ts";
import { runCommand } from "./commands/run.ts";
import { sampleCommand } from "./commands/sample.ts";
import { scheduleCommand } from "./commands/schedule.ts";
import { statusCommand } from "./commands/status.ts";

export const commands: Command[] = [
  buildCommand,
  sampleCommand,
  ingestCommand,
  runCommand,
  queryCommand,
  metricsCommand,
  icpCommand,
  scheduleCommand,
  statusCommand,
  alertsCommand,
  valuesCommand,
  contractsCommand,
  mappingsCommand,
  initCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "bellwether — customer-success analytics: sources → DuckDB warehouse → tested metrics → static site",
    "",
    "Usage: bellwether COMMAND [options]      (bellwether COMMAND --help for each)",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Start here:",
    "  bellwether build --sample                 sample data → warehouse.duckdb → site/index.html",
    "  bellwether query nrr,grr --by segment --grain quarter",
    "",
    "Every command takes --warehouse FILE (default ./warehouse.duckdb) and --config FILE.",
    "Exit status: 0 success, 1 bad input or a failed check, 2 misuse.",
    "",
  ].join("\n");
}

/** Runs one command line; returns the exit status. Errors are printed here, once. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(overview());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  // `bellwether alerts | head`: a reader that stops early is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  try {
    if (!command) {
      const hint = closest(
        name,
        commands.map((c) => c.name),
      );
      throw new UsageError(`unknown command "${name}"${hint ? ` — did you mean "${hint}"?` : ""}\nSee: bellwether --help`);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(helpText(command));
      return 0;
    }
    const context = parseCommandArgs(command, rest);
    setQuiet(context.values.quiet === true);
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bellwether: ${error.message}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`bellwether: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`bellwether: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
