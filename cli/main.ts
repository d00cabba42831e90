import { closest, InputError, UsageError } from "../core/errors.ts";
import { printable, quietly } from "../core/log.ts";
import { redactUrls } from "../core/secrets.ts";
import { type Command, helpText, parseCommandArgs } from "./command.ts";

/**
 * Each command's module, imported only when it runs: `query`, `values` and `status` do not pay for the
 * renderer, Plot, linkedom or the browser driver that `build` needs. In the overview's order.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  build: async () => (await import("./commands/build.ts")).buildCommand,
  sample: async () => (await import("./commands/sample.ts")).sampleCommand,
  ingest: async () => (await import("./commands/ingest.ts")).ingestCommand,
  run: async () => (await import("./commands/run.ts")).runCommand,
  query: async () => (await import("./commands/query.ts")).queryCommand,
  metrics: async () => (await import("./commands/metrics.ts")).metricsCommand,
  icp: async () => (await import("./commands/icp.ts")).icpCommand,
  schedule: async () => (await import("./commands/schedule.ts")).scheduleCommand,
  status: async () => (await import("./commands/status.ts")).statusCommand,
  alerts: async () => (await import("./commands/alerts.ts")).alertsCommand,
  digest: async () => (await import("./commands/digest.ts")).digestCommand,
  values: async () => (await import("./commands/values.ts")).valuesCommand,
  contracts: async () => (await import("./commands/contracts.ts")).contractsCommand,
  mappings: async () => (await import("./commands/mappings.ts")).mappingsCommand,
  init: async () => (await import("./commands/init.ts")).initCommand,
};

/** Every command, loaded (for the overview, which lists each one's summary). */
export const allCommands = (): Promise<Command[]> => Promise.all(Object.values(COMMANDS).map((load) => load()));

function overview(commands: readonly Command[]): string {
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
    process.stdout.write(overview(await allCommands()));
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  // `bellwether alerts | head`: a reader that stops early is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  try {
    if (!load) {
      const hint = closest(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command "${name}"${hint ? ` — did you mean "${hint}"?` : ""}\nSee: bellwether --help`);
    }
    const command = await load();
    if (rest.includes("--help") || rest.includes("-h")) {
      process.stdout.write(helpText(command));
      return 0;
    }
    const context = parseCommandArgs(command, rest);
    return await quietly(context.values.quiet === true, () => command.run(context));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bellwether: ${say(error.message)}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`bellwether: ${say(error.message)}\n`);
      return 1;
    }
    process.stderr.write(`bellwether: unexpected error: ${say((error as Error).stack ?? String(error))}\n`);
    return 1;
  }
}

/** The last word on the terminal: no secret of a URL in it, no control character obeyed. */
const say = (message: string) => printable(redactUrls(message));
