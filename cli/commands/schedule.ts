import { configPath } from "../../core/settings.ts";
import { digestAndSend } from "./digest.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { printable, quietly } from "../../core/log.ts";
import { openWarehouse } from "../../core/open-warehouse.ts";
import { type ScheduledJob, Scheduler } from "../../orchestration/schedule.ts";
import { lastLandedSignature, lastScheduledTick, sourcesSignature } from "../../orchestration/sensor.ts";
import type { Command } from "../command.ts";
import { runJob } from "../job.ts";

const EXAMPLE = `export default defineConfig({
  sources: "./exports",
  schedules: [
    { job: "nightly", cron: "0 6 * * *" },
    { job: "on-new-export", cron: "* * * * *", when: "changed", retries: 3, backoff: 60 },
  ],
});`;

export const scheduleCommand: Command = {
  name: "schedule",
  summary: "run the config's jobs on their cron schedules until stopped",
  usage: "bellwether schedule [--verbose]",
  description: `Runs each job of the config's \`schedules\` on its cron expression (node-cron; 5 fields, or 6 with seconds first), as \`bellwether run\` would: land the job's sources folder (its \`sources\`, or the config's), materialise its \`select\` (everything by default) and render the site. A job never runs twice at once: a tick that arrives while the previous run is going is skipped and logged. A failed run is retried \`retries\` times (default 2), after \`backoff\` seconds (default 30), doubling each time. With \`when: "changed"\` a tick runs only when a file in the sources folder is new or changed since the job's last good run: drop an export in the folder and the next tick picks it up. Each run is recorded in meta.runs with the tick it served; on start, the latest tick missed while stopped is run once. Ctrl-C (SIGINT) or SIGTERM stops the clock and waits for a run in flight to finish. One line per run on stdout.
A config with schedules:
${EXAMPLE}`,
  options: {
    verbose: { type: "boolean", description: "show each run's progress lines, not just one line per run" },
  },
  examples: ["bellwether schedule", "bellwether schedule --config ./prod.config.ts --verbose"],
  async run({ values, config: loadConfig }) {
    const config = await loadConfig();
    if (config.schedules.length === 0) throw new UsageError(`the config has no schedules; add some, e.g.\n${EXAMPLE}`);
    // Each run prints one line; its progress lines only with --verbose.
    return quietly(values.verbose !== true, async () => {
      const siteDir = configPath(config, config.site.outDir);
      const sourcesOf = (job: ScheduledJob) => {
        const dir = job.sources ?? config.sources;
        return dir ? configPath(config, dir) : undefined;
      };
      for (const job of config.schedules) {
        if (job.when === "changed" && !sourcesOf(job))
          throw new InputError(`schedule ${job.job}: when "changed" needs a sources folder (the job's \`sources\` or the config's)`);
      }
      const log = (line: string) => process.stdout.write(`${printable(line)}\n`);
      const withWarehouse = async <T>(work: (db: Awaited<ReturnType<typeof openWarehouse>>) => Promise<T>): Promise<T> => {
        const db = await openWarehouse(config);
        try {
          return await work(db);
        } finally {
          await db.close();
        }
      };
      const scheduler = new Scheduler(config.schedules, {
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log,
        lastTick: (job) => withWarehouse((db) => lastScheduledTick(db, job.job)).catch(() => null),
        async run(job, tick) {
          const sourcesDir = sourcesOf(job);
          const signature = sourcesDir ? sourcesSignature(sourcesDir, config.mappings, config.project.folder) : undefined;
          if (job.when === "changed" && signature === (await withWarehouse((db) => lastLandedSignature(db, job.job)))) return "unchanged";
          const status = await runJob(config, {
            sourcesDir,
            select: job.select,
            siteDir,
            job: job.job,
            scheduledFor: tick,
            sourcesSignature: signature,
          });
          // The digest follows a run that succeeded; one an outlet refused is sent again, from the same day, next time.
          if (status === 0 && job.digest) await digestAndSend(config).catch((error: Error) => log(`digest: ${error.message}`));
          return status === 0 ? "succeeded" : "failed";
        },
      });
      log(
        `bellwether schedule: ${config.schedules.map((j) => `${j.job} (${j.cron}${j.when === "changed" ? ", when files change" : ""})`).join(", ")}`,
      );
      const stopped = new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log(`${signal}: stopping; waiting for runs in flight`);
          void scheduler.stop().then(() => {
            log("stopped");
            resolve();
          });
        };
        process.once("SIGINT", () => stop("SIGINT"));
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
      await scheduler.start();
      await stopped;
      return 0;
    });
  },
};
