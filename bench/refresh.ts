// Refreshing, as whole processes of the command line on a sample: a full run into an empty warehouse, a
// run with nothing new, a run after one more file of events, and `bellwether query` against node running
// the hand-written SQL for the same numbers. Prints one JSON line.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { HAND_WRITTEN_NRR_GRR } from "./hand-written.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "bellwether.js");
const [sample, work] = process.argv.slice(2) as [string, string];

const quoted = (path: string) => `'${path.replaceAll("'", "''")}'`;

interface Timed {
  seconds: number;
  peakRssMiB: number;
  stderr: string;
}

/** A whole process under /usr/bin/time: wall seconds and peak resident memory. */
function timed(args: string[]): Timed {
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, ...args], { encoding: "utf8", cwd: work });
  if (run.status !== 0) throw new Error(`${args.join(" ")} failed:\n${run.stderr}`);
  const [seconds, kb] = (run.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { seconds: seconds ?? NaN, peakRssMiB: (kb ?? NaN) / 1024, stderr: run.stderr };
}

// The sample's files, linked; usage_events as a folder of files, so one more file can come in later.
rmSync(work, { recursive: true, force: true });
const sources = join(work, "sources");
mkdirSync(join(sources, "usage_events"), { recursive: true });
for (const file of readdirSync(sample).filter((f) => f.endsWith(".csv"))) {
  if (file === "usage_events.csv") symlinkSync(join(sample, file), join(sources, "usage_events", "part-1.csv"));
  else symlinkSync(join(sample, file), join(sources, file));
}
const run = (...extra: string[]) =>
  timed([BIN, "run", "--sources", sources, "--warehouse", join(work, "warehouse.duckdb"), "--site", join(work, "site"), ...extra]);

const full = run();
const noop = run();
if (!/Nothing changed/.test(noop.stderr)) throw new Error(`the second run rebuilt something:\n${noop.stderr}`);

// One more file: the events of the sample's last day again, under new ids (a late-arriving export).
const scratch = await (await DuckDBInstance.create(":memory:")).connect();
const events = `read_csv(${quoted(join(sample, "usage_events.csv"))}, all_varchar = true)`;
await scratch.run(
  `COPY (SELECT account_id, user_id, event_name, occurred_at, 'LATE-' || event_id AS event_id FROM ${events}
   WHERE left(occurred_at, 10) = (SELECT max(left(occurred_at, 10)) FROM ${events}))
   TO ${quoted(join(sources, "usage_events", "part-2.csv"))} (HEADER)`,
);
const late = await scratch.runAndReadAll(`SELECT count(*)::INTEGER FROM read_csv(${quoted(join(sources, "usage_events", "part-2.csv"))})`);
const lateEvents = Number(late.getRows()[0]?.[0]);
scratch.closeSync();
const oneMoreFile = run();

// The CLI's query, start-up included, against node running the hand-written SQL on the same warehouse.
const warehouse = join(work, "warehouse.duckdb");
const cli = timed([BIN, "query", "nrr,grr", "--by", "segment", "--grain", "quarter", "--warehouse", warehouse]);
const script = `import { DuckDBInstance } from "@duckdb/node-api";
const db = await (await DuckDBInstance.create(${JSON.stringify(warehouse)}, { access_mode: "READ_ONLY" })).connect();
console.log((await db.runAndReadAll(${JSON.stringify(HAND_WRITTEN_NRR_GRR)})).getRows().length);`;
writeFileSync(join(ROOT, "bench", ".hand-query.mjs"), script);
const hand = timed([join(ROOT, "bench", ".hand-query.mjs")]);
rmSync(join(ROOT, "bench", ".hand-query.mjs"));

const round = (t: Timed) => ({ seconds: Number(t.seconds.toFixed(2)), peakRssMiB: Math.round(t.peakRssMiB) });
process.stdout.write(
  `${JSON.stringify({
    fullRun: round(full),
    noOpRun: round(noop),
    oneMoreFileRun: { ...round(oneMoreFile), lateEvents },
    cliQuery: round(cli),
    nodeHandWrittenQuery: round(hand),
  })}\n`,
);
