import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Config } from "../../project/config.ts";
import { configPath } from "../../core/settings.ts";
import { UsageError } from "../../core/errors.ts";
import { printable, warn } from "../../core/log.ts";
import { openWarehouse } from "../../core/open-warehouse.ts";
import { forgetLandedFile } from "../../pipelines/forget.ts";
import { type TableName, tableNames } from "../../pipelines/contracts/index.ts";
import { ingest } from "../../pipelines/ingest.ts";
import { claimOrigin, originOf } from "../../pipelines/origin.ts";
import type { LoadResult } from "../../pipelines/land.ts";
import { mappedSources } from "../../pipelines/mappings/sources.ts";
import type { Source } from "../../pipelines/source.ts";
import { expandGlob, findSources } from "../../pipelines/sources.ts";
import { Warehouse } from "../../core/warehouse.ts";
import type { Command } from "../command.ts";
import { printTable } from "../table.ts";
import { list } from "./flags.ts";

export const ingestCommand: Command = {
  name: "ingest",
  summary: "land source files into raw.* with checks and quarantine",
  usage:
    "bellwether ingest [--dir DIR] [--format FORMAT [--param KEY=VALUE ...]] [--source TABLE=PATH_OR_GLOB ...] [--dry-run] [--strict]\n       bellwether ingest --forget FILE",
  description: `Reads each source file with DuckDB, checks every row against its table's contract (required values, types, accepted values, ranges, rules, orphans, duplicate keys) and lands the good rows in raw.<table>. A bad row is never dropped: it goes to quarantine.<table> with its file, line, column and reason. Each file lands in one transaction and is recorded in meta.loads; the same file again is skipped, a changed file replaces the rows it brought. A sources folder holds <table>.csv|.ndjson|.parquet (optionally .gz) or a <table>/ folder of such files; \`bellwether contracts [TABLE]\` lists each table's columns, types and rules (also in docs/contracts.md).
Vendor exports (Salesforce, HubSpot, Stripe, Zendesk, Segment, Amplitude, Delighted, as Fivetran lands them) go through a declared mapping: a sub-folder named for its format (sources/stripe/…) is read that way, or one folder with --dir D --format FORMAT. Rows a mapping filters on purpose (deleted at source, test mode, a superseded version) are counted as dropped, by reason; \`bellwether mappings [FORMAT]\` lists the files each format reads. --dry-run lands into a scratch warehouse in memory and prints what would land, be quarantined and be dropped, writing nothing.
A landed file that is no longer in its folder keeps its rows (exports are rotated), and every ingest, build and status names it; --forget FILE removes that file's rows from raw, shadow and quarantine on purpose (a key it had taken from an older file gets the older row back) and marks its loads forgotten.
Exit status: 0 when everything was read (quarantined rows included, unless --strict), 1 when a file was refused.`,
  options: {
    dir: { type: "string", placeholder: "DIR", description: "sources folder (default: the config's `sources`)" },
    source: {
      type: "string",
      multiple: true,
      placeholder: "TABLE=PATH",
      description: "a table's file or glob, overriding the folder; repeatable",
    },
    format: {
      type: "string",
      placeholder: "FORMAT",
      description: "read --dir as one vendor's export through this mapping (or a mapping folder)",
    },
    param: {
      type: "string",
      multiple: true,
      placeholder: "KEY=VALUE",
      description: "a mapping parameter (see `bellwether mappings FORMAT`); repeatable",
    },
    "dry-run": { type: "boolean", description: "print what would land, be quarantined and dropped; write nothing" },
    strict: { type: "boolean", description: "exit 1 when any row was quarantined" },
    forget: { type: "string", placeholder: "FILE", description: "remove one landed file's rows and mark its loads forgotten" },
  },
  examples: [
    "bellwether ingest --dir ./exports",
    "bellwether ingest --dir ./exports/stripe --format stripe --param account_id=crosswalk --dry-run",
    "bellwether ingest --source usage_events='./drops/events-*.parquet' --source crm_accounts=./crm/accounts.csv",
    "bellwether ingest --forget ./exports/crm_subscriptions/2023-12.csv",
  ],
  async run({ values, config: loadConfig }) {
    const config = await loadConfig();
    if (typeof values.forget === "string") return forget(config, resolve(values.forget));
    const dir = typeof values.dir === "string" ? resolve(values.dir) : config.sources ? configPath(config, config.sources) : undefined;
    const format = typeof values.format === "string" ? values.format : undefined;
    if (format && !dir) throw new UsageError("--format reads one vendor folder: give it with --dir DIR");
    const params = paramsOf(list(values.param), format);
    const sources: Map<TableName, Source[]> = !dir
      ? new Map()
      : format
        ? new Map(
            mappedSources(dir, format, { ...config.mappings[format]?.params, ...params }, dir, config.project.folder).map((s) => [
              s.table,
              [s],
            ]),
          )
        : findSources(dir, config.mappings, config.project.folder);
    const overrides = list(values.source).map((item) => {
      const [table, pattern] = item.split("=", 2);
      if (!table || !pattern || !tableNames.includes(table as TableName)) {
        throw new UsageError(`--source takes TABLE=PATH_OR_GLOB with TABLE one of ${tableNames.join(", ")}; got "${item}"`);
      }
      return [table as TableName, resolve(pattern)] as const;
    });
    if (!dir && overrides.length === 0) {
      throw new UsageError("ingest needs --dir DIR, --source TABLE=PATH or `sources` in the config\nSee: bellwether ingest --help");
    }
    if (values["dry-run"]) return dryRun(sources, overrides, config.timeZone);
    const db = await openWarehouse(config);
    // One writer at a time (on PostgreSQL an advisory lock): a second ingest is refused at once.
    let release: () => Promise<void>;
    try {
      release = await db.holdForWriting("ingest");
    } catch (error) {
      await db.close();
      throw error;
    }
    try {
      const from = dir ?? dirname(overrides[0]?.[1] ?? ".");
      await claimOrigin(db, originOf(from, db.path), from);
      for (const [table, pattern] of overrides) sources.set(table, await expandGlob(db, pattern));
      const results = await ingest(db, sources, { timeZone: config.timeZone });
      printLoadSummary(results);
      if (results.some((r) => r.status === "refused")) return 1;
      if (values.strict && results.some((r) => r.quarantined > 0)) return 1;
      return 0;
    } finally {
      await release();
      await db.close();
    }
  },
};

/** `--forget FILE`: one writer, like a landing; says what went and whether the next ingest would bring it back. */
async function forget(config: Config, file: string): Promise<number> {
  const db = await openWarehouse(config);
  try {
    const release = await db.holdForWriting("ingest --forget");
    try {
      for (const f of await forgetLandedFile(db, file)) {
        process.stderr.write(
          `Forgot ${printable(file)} in ${f.table}: ${f.rows.toLocaleString("en-US")} row(s) of raw.${f.table} and ${f.quarantined.toLocaleString("en-US")} quarantined row(s) removed; its loads are marked forgotten.\n`,
        );
      }
      if (existsSync(file))
        warn(`${printable(file)} is still there: the next ingest of its folder lands it again; move it away to keep it forgotten`);
      return 0;
    } finally {
      await release();
    }
  } finally {
    await db.close();
  }
}

function paramsOf(items: string[], format: string | undefined): Record<string, string> {
  if (items.length && !format) throw new UsageError("--param sets a mapping's parameter: give --format too");
  return Object.fromEntries(
    items.map((item) => {
      const at = item.indexOf("=");
      if (at < 1) throw new UsageError(`--param takes KEY=VALUE; got "${item}"`);
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

/** Lands everything into a warehouse in memory (so orphans are checked against what these sources bring) and reports; writes nothing. */
async function dryRun(sources: Map<TableName, Source[]>, overrides: (readonly [TableName, string])[], timeZone: string): Promise<number> {
  const scratch = await Warehouse.open(":memory:");
  try {
    for (const [table, pattern] of overrides) sources.set(table, await expandGlob(scratch, pattern));
    const results = await ingest(scratch, sources, { timeZone, dryRun: true });
    process.stderr.write("Dry run: nothing was written. Against an empty warehouse, these sources would give:\n");
    printLoadSummary(results, { dryRun: true });
    return results.some((r) => r.status === "refused") ? 1 : 0;
  } finally {
    await scratch.close();
  }
}

/** One line per table: files (and how many were skipped as unchanged), read, landed, quarantined by reason. */
export function printLoadSummary(results: readonly LoadResult[], { dryRun = false } = {}): void {
  const tables = [...new Set(results.map((r) => r.table))];
  const count = (n: number) => n.toLocaleString("en-US");
  printTable(
    dryRun
      ? ["table", "files", "skipped", "refused", "read", "would land", "would quarantine", "by reason", "would drop", "why dropped"]
      : ["table", "files", "skipped", "refused", "read", "landed", "quarantined", "by reason", "dropped", "why dropped"],
    tables.map((table) => {
      const loads = results.filter((r) => r.table === table);
      const sum = (pick: (r: LoadResult) => number) => loads.reduce((total, r) => total + pick(r), 0);
      const reasons = new Map<string, number>();
      for (const r of loads) for (const [reason, n] of Object.entries(r.reasons)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
      const drops = new Map<string, number>();
      for (const r of loads) for (const [reason, n] of Object.entries(r.dropped)) drops.set(reason, (drops.get(reason) ?? 0) + n);
      return [
        table,
        count(loads.length),
        count(loads.filter((r) => r.status === "skipped").length),
        count(loads.filter((r) => r.status === "refused").length),
        // A splitting mapping makes more rows than the file has records: "9 → 11 rows".
        sum((r) => r.split ?? 0)
          ? `${count(sum((r) => r.read))} → ${count(sum((r) => r.read + (r.split ?? 0)))} rows`
          : count(sum((r) => r.read)),
        count(sum((r) => r.landed)),
        count(sum((r) => r.quarantined)),
        [...reasons].map(([reason, n]) => `${reason} ${count(n)}`).join(", "),
        count([...drops.values()].reduce((a, b) => a + b, 0)),
        [...drops].map(([reason, n]) => `${reason} ${count(n)}`).join(", "),
      ];
    }),
    process.stderr,
  );
  for (const r of results.filter((x) => x.status === "refused")) process.stderr.write(`error: ${r.message}\n`);
  if (results.some((r) => r.quarantined > 0) && !dryRun) {
    process.stderr.write("Quarantined rows keep their file, line, column and reason: SELECT * FROM quarantine.<table>\n");
  }
}
