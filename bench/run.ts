// npm run bench: our landing against DuckDB's own readers on the same files, and our peak memory.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTable } from "../cli/table.ts";
import { generateSample, SAMPLE_SCALES } from "../pipelines/sample/generate.ts";
import { progress } from "../core/log.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DATA = join(ROOT, "bench", "data");
// Issue 20's targets: landing ≤ 1.3× DuckDB at ≤ 1.5 GiB, warm queries ≤ 1.1× hand-written SQL, the site ≤ 1.2× its queries.
const TARGET = { ratio: 1.3, peakRssMiB: 1536, queryRatio: 1.1, siteRatio: 1.2 };

/** A sample of `accounts` accounts over 60 months, generated once and reused until the generator's code changes. */
async function sampleOf(accounts: number): Promise<string> {
  const dir = accounts === SAMPLE_SCALES.large.accounts ? join(DATA, "large") : join(DATA, `accounts-${accounts}`);
  const generator = join(ROOT, "pipelines", "sample");
  const hash = createHash("sha256");
  for (const file of readdirSync(generator).sort()) hash.update(readFileSync(join(generator, file)));
  const key = `${hash.digest("hex")} accounts=${accounts} months=${SAMPLE_SCALES.large.months} seed=1`;
  const keyFile = join(dir, ".sample-key");
  if (existsSync(keyFile) && readFileSync(keyFile, "utf8") === key) return dir;
  process.stderr.write(`Generating a sample of ${accounts.toLocaleString("en-US")} accounts over 60 months in ${dir} — once\n`);
  await generateSample({ out: dir, accounts, months: SAMPLE_SCALES.large.months, seed: "1", onProgress: progress("accounts") });
  writeFileSync(keyFile, key);
  return dir;
}

interface Measurement {
  mode: "raw" | "ours";
  rows: number;
  seconds: number;
  peakRssMiB: number;
}

function measure(mode: "raw" | "ours", file: string): Measurement {
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "bench", "land-one.ts"),
      mode,
      file,
      join(DATA, `bench-${mode}.duckdb`),
      join(sample, "crm_accounts.csv"),
    ],
    { encoding: "utf8", cwd: ROOT },
  );
  if (run.status !== 0) throw new Error(`${mode} ${file} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as Measurement;
}

mkdirSync(DATA, { recursive: true });
const sample = await sampleOf(SAMPLE_SCALES.large.accounts);
const files = { csv: join(sample, "usage_events.csv"), parquet: join(sample, "parquet", "usage_events.parquet") };
const results = [];
for (const [format, file] of Object.entries(files)) {
  process.stderr.write(`Landing usage_events from ${format}: DuckDB's own reader, then ours\n`);
  const raw = measure("raw", file);
  const ours = measure("ours", file);
  results.push({
    table: "usage_events",
    format,
    rows: ours.rows,
    duckdbSeconds: Number(raw.seconds.toFixed(2)),
    oursSeconds: Number(ours.seconds.toFixed(2)),
    ratio: Number((ours.seconds / raw.seconds).toFixed(2)),
    oursPeakRssMiB: Math.round(ours.peakRssMiB),
    duckdbPeakRssMiB: Math.round(raw.peakRssMiB),
  });
}
process.stderr.write("Building the large warehouse and timing queries (ours against hand-written SQL)\n");
const queryRun = spawnSync(
  process.execPath,
  ["--import", "tsx", join(ROOT, "bench", "query-one.ts"), sample, join(DATA, "bench-query.duckdb")],
  { encoding: "utf8", cwd: ROOT },
);
if (queryRun.status !== 0) throw new Error(`query bench failed:\n${queryRun.stderr}`);
const q = JSON.parse(queryRun.stdout.trim().split("\n").at(-1) ?? "{}") as {
  buildSeconds: number;
  compileMs: number;
  oursWarmMs: number;
  handWrittenWarmMs: number;
  groupedOursWarmMs: number;
  groupedHandWrittenWarmMs: number;
  siteSeconds: number;
  siteQuerySeconds: number;
  accountPages: number;
};
const warm = (query: string, ours: number, hand: number) => ({
  query,
  oursWarmMs: Number(ours.toFixed(1)),
  handWrittenWarmMs: Number(hand.toFixed(1)),
  ratio: Number((ours / hand).toFixed(2)),
});
const queryResult = {
  ...warm("nrr,grr --by segment --grain quarter (large sample)", q.oursWarmMs, q.handWrittenWarmMs),
  warehouseBuildSeconds: Number(q.buildSeconds.toFixed(1)),
  compileMsPerQuery: Number(q.compileMs.toFixed(3)),
  grouped: warm("arr,customers --by segment --grain month (large sample)", q.groupedOursWarmMs, q.groupedHandWrittenWarmMs),
};
const siteResult = {
  accountPages: q.accountPages,
  renderSeconds: Number(q.siteSeconds.toFixed(1)),
  querySeconds: Number(q.siteQuerySeconds.toFixed(1)),
  ratio: Number((q.siteSeconds / q.siteQuerySeconds).toFixed(2)),
};

process.stdout.write(
  `${renderTable(
    [
      "landing",
      "rows",
      "DuckDB CTAS s",
      "ours s",
      "ratio",
      `target ≤ ${TARGET.ratio}`,
      "our peak RSS MiB",
      `target ≤ ${TARGET.peakRssMiB}`,
    ],
    results.map((r) => [
      `usage_events.${r.format}`,
      r.rows.toLocaleString("en-US"),
      r.duckdbSeconds.toFixed(1),
      r.oursSeconds.toFixed(1),
      r.ratio.toFixed(2),
      r.ratio <= TARGET.ratio ? "met" : "missed",
      String(r.oursPeakRssMiB),
      r.oursPeakRssMiB <= TARGET.peakRssMiB ? "met" : "missed",
    ]),
  )}\n`,
);
process.stdout.write(
  `\n${renderTable(
    ["warm query", "ours ms", "hand-written ms", "ratio", `target ≤ ${TARGET.queryRatio}`],
    [queryResult, queryResult.grouped].map((r) => [
      r.query,
      r.oursWarmMs.toFixed(1),
      r.handWrittenWarmMs.toFixed(1),
      r.ratio.toFixed(2),
      r.ratio <= TARGET.queryRatio ? "met" : "missed",
    ]),
  )}\n`,
);
process.stdout.write(
  `\n${renderTable(
    ["site (large sample)", "account pages", "render s", "its queries s", "ratio", `target ≤ ${TARGET.siteRatio}`],
    [
      [
        "every page, one per account and per book",
        siteResult.accountPages.toLocaleString("en-US"),
        siteResult.renderSeconds.toFixed(1),
        siteResult.querySeconds.toFixed(1),
        siteResult.ratio.toFixed(2),
        siteResult.ratio <= TARGET.siteRatio ? "met" : "missed",
      ],
    ],
  )}\n`,
);
process.stderr.write("Building the large sample on DuckDB and on a private PostgreSQL server\n");
const engineRun = spawnSync(
  process.execPath,
  ["--import", "tsx", join(ROOT, "bench", "engines.ts"), sample, join(DATA, "bench-engines.duckdb")],
  {
    encoding: "utf8",
    cwd: ROOT,
  },
);
if (engineRun.status !== 0) throw new Error(`engine bench failed:\n${engineRun.stderr}`);
type EngineTiming = { landSeconds: number; modelSeconds: number; queryWarmMs: number };
const engines = JSON.parse(engineRun.stdout.trim().split("\n").at(-1) ?? "{}") as Record<"duckdb" | "postgres", EngineTiming>;
process.stdout.write(
  `\n${renderTable(
    ["large build", "landing s", "models s", "nrr,grr warm ms"],
    (["duckdb", "postgres"] as const).map((engine) => [
      engine === "duckdb" ? "DuckDB (embedded)" : "PostgreSQL (local socket)",
      engines[engine].landSeconds.toFixed(1),
      engines[engine].modelSeconds.toFixed(1),
      engines[engine].queryWarmMs.toFixed(1),
    ]),
  )}\n`,
);
type ProcessTiming = { seconds: number; peakRssMiB: number };
type Refresh = Record<"fullRun" | "noOpRun" | "oneMoreFileRun" | "cliQuery" | "nodeHandWrittenQuery", ProcessTiming>;
/** Full run, no-op run, one more file of events and the CLI's query, as whole processes on a sample. */
function refreshOf(accounts: number, dir: string): Refresh {
  process.stderr.write(
    `Refreshing ${accounts.toLocaleString("en-US")} accounts from the command line: full run, no-op run, one more file, query\n`,
  );
  const run = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "refresh.ts"), dir, join(DATA, `refresh-${accounts}`)], {
    encoding: "utf8",
    cwd: ROOT,
  });
  if (run.status !== 0) throw new Error(`refresh bench failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}") as Refresh;
}
const growth: { accounts: number; refresh: Refresh }[] = [];
for (const accounts of [1_000, 3_000]) growth.push({ accounts, refresh: refreshOf(accounts, await sampleOf(accounts)) });
const refresh = refreshOf(SAMPLE_SCALES.large.accounts, sample);
growth.push({ accounts: SAMPLE_SCALES.large.accounts, refresh });
/** A row of the refresh table: a process's seconds and peak memory, as a ratio of another's. */
const refreshRow = (label: string, t: ProcessTiming, base: ProcessTiming, digits: number, target: string) => [
  label,
  t.seconds.toFixed(digits),
  String(t.peakRssMiB),
  (t.seconds / base.seconds).toFixed(2),
  target,
];
process.stdout.write(
  `\n${renderTable(
    ["refresh (whole processes, large sample)", "s", "peak RSS MiB", "ratio", "target"],
    [
      refreshRow("full run into an empty warehouse", refresh.fullRun, refresh.fullRun, 1, "≤ 45 s"),
      refreshRow("run with nothing new", refresh.noOpRun, refresh.fullRun, 2, "≤ 3 s"),
      refreshRow("run after one more file of events", refresh.oneMoreFileRun, refresh.fullRun, 1, "≤ 0.10 of full"),
      refreshRow("bellwether query nrr,grr --by segment --grain quarter", refresh.cliQuery, refresh.nodeHandWrittenQuery, 2, "≤ 0.4 s"),
      refreshRow("node + the hand-written SQL", refresh.nodeHandWrittenQuery, refresh.nodeHandWrittenQuery, 2, ""),
    ],
  )}\n`,
);
process.stdout.write(
  `\n${renderTable(
    ["accounts (60 months)", "full run s", "peak RSS MiB", "no-op run s", "one more file s", "of full"],
    growth.map(({ accounts, refresh: r }) => [
      accounts.toLocaleString("en-US"),
      r.fullRun.seconds.toFixed(1),
      String(r.fullRun.peakRssMiB),
      r.noOpRun.seconds.toFixed(2),
      r.oneMoreFileRun.seconds.toFixed(1),
      (r.oneMoreFileRun.seconds / r.fullRun.seconds).toFixed(2),
    ]),
  )}\n`,
);
// DESIGN "Invariants" over the whole catalog on the default sample and two variants (bench/invariants.ts).
process.stderr.write("Invariants on the sample, cut mid-month, and with open-ended lines\n");
const invariantsFile = join(DATA, "invariants.json");
const invariantsRun = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "invariants.ts"), invariantsFile], {
  encoding: "utf8",
  cwd: ROOT,
});
process.stderr.write(invariantsRun.stderr);
const invariants = JSON.parse(readFileSync(invariantsFile, "utf8")) as Record<string, { seconds: number; failures: string[] }>;
const out = join(ROOT, "bench", "results.json");
writeFileSync(
  out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: (await import("node:os")).cpus().length }, target: TARGET, landing: results, query: queryResult, site: siteResult, engines, refresh, growth, invariants }, null, 2)}\n`,
);
process.stderr.write(`Wrote ${out}\n`);
if (invariantsRun.status !== 0) process.exitCode = 1;
