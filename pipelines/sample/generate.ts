import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { isoDate, monthIndexOf } from "../../core/dates.ts";
import { literal, Warehouse } from "../../core/warehouse.ts";
import { columnNames, tableNames } from "../contracts/index.ts";

/** Columns only vendor exports fill (anonymous events, good/bad ratings, deals in other currencies): the sample leaves them out. */
const VENDOR_ONLY = new Set(["usage_events.anonymous_id", "survey_responses.satisfied", "crm_opportunities.currency"]);
import { simulateAccount } from "./account.ts";
import { CsvWriter } from "./csv-writer.ts";
import { Random } from "./random.ts";
import { type Segment, segments, type World } from "./world.ts";

/** The sample's data ends here whatever day it is generated, so the same seed gives the same files. */
export const SAMPLE_AS_OF = "2026-09-30";

/** Four years of selling before the data window, so the book exists when the data starts. */
const HISTORY_MONTHS = 48;

export const SAMPLE_SCALES = {
  small: { accounts: 600, months: 36 },
  large: { accounts: 10_000, months: 60 },
} as const;

export interface SampleOptions {
  out: string;
  accounts: number;
  months: number;
  seed: string | number;
  onProgress?: (done: number, total: number) => void;
  /** Also write usage events as Parquet under parquet/ (for the bench; default true). A build reads only the CSVs. */
  parquetCopy?: boolean;
}

export interface SampleFile {
  table: string;
  path: string;
  rows: number;
  bytes: number;
}

/**
 * Writes one CSV per landing table of DESIGN.md (and usage events again as Parquet under
 * `parquet/`) for a believable B2B SaaS company. Deterministic for a given seed, size and length.
 */
export async function generateSample(options: SampleOptions): Promise<SampleFile[]> {
  const { out, accounts, months } = options;
  if (!Number.isInteger(accounts) || accounts < 1) throw new RangeError("accounts must be a whole number of at least 1");
  if (!Number.isInteger(months) || months < 2) throw new RangeError("months must be a whole number of at least 2");
  mkdirSync(out, { recursive: true });
  const lastMonth = monthIndexOf(SAMPLE_AS_OF);
  const firstMonth = lastMonth - months + 1;
  const foundedMonth = firstMonth - HISTORY_MONTHS;
  const rng = new Random(`bellwether-sample:${options.seed}`);
  const writers = Object.fromEntries(
    tableNames.map((table) => [
      table,
      new CsvWriter(
        join(out, `${table}.csv`),
        columnNames(table).filter((c) => !VENDOR_ONLY.has(`${table}.${c}`)),
      ),
    ]),
  );
  const emptyTally = () => ({ active: [] as number[], new: [] as number[], mrrUsd: [] as number[] });
  const tally: World["tally"] = { SMB: emptyTally(), "Mid-Market": emptyTally(), Enterprise: emptyTally() };
  const world: World = { rng, foundedMonth, firstMonth, lastMonth, asOf: SAMPLE_AS_OF, writers, nextId: {}, tally, ticketsByMonth: [] };

  // The company sold for HISTORY_MONTHS before its product, support and survey data begin, so the
  // book already exists then. New logos arrive at a rate growing 12% a year: a steady, healthy
  // company rather than a launch. Months are drawn by inverting that exponential's distribution.
  const span = lastMonth - foundedMonth + 1;
  const growth = Math.log(1.12) / 12;
  const acquisition = rng.fork("acquisition");
  const schedule = Array.from({ length: accounts }, () => {
    const u = acquisition.next();
    const t = Math.log(1 + u * (Math.exp(growth * span) - 1)) / growth;
    return foundedMonth + Math.min(span - 1, Math.floor(t));
  }).sort((a, b) => a - b);
  schedule.forEach((month, i) => {
    simulateAccount(world, rng.fork(i), month);
    if ((i + 1) % 50 === 0 || i + 1 === accounts) options.onProgress?.(i + 1, accounts);
  });

  writeCosts(world, rng.fork("costs"));
  writeFxRates(world, rng.fork("fx"));
  for (const writer of Object.values(writers)) writer.close();
  if (options.parquetCopy === false) return filesOf(writers);
  await writeParquet(join(out, "usage_events.csv"), join(out, "parquet", "usage_events.parquet"));

  const files = filesOf(writers);
  const parquetPath = join(out, "parquet", "usage_events.parquet");
  files.push({ table: "usage_events", path: parquetPath, rows: writers.usage_events?.rows ?? 0, bytes: statSync(parquetPath).size });
  return files;
}

/** The CSV files the writers wrote. */
function filesOf(writers: World["writers"]): SampleFile[] {
  return Object.values(writers).map((w) => ({
    table: w.path.replace(/^.*[\\/]/, "").replace(/\.csv$/, ""),
    path: w.path,
    rows: w.rows,
    bytes: statSync(w.path).size,
  }));
}

/** Monthly CS costs by cost centre: named CSMs per account load, onboarding per new logo, shared support and ops. */
function writeCosts(world: World, rng: Random): void {
  const writer = world.writers.finance_cs_costs;
  const accountsPerCsm: Record<Segment, number> = { SMB: 140, "Mid-Market": 30, Enterprise: 15 };
  const onboardingPerLogo: Record<Segment, number> = { SMB: 450, "Mid-Market": 2600, Enterprise: 9500 };
  const money = (x: number) => Math.round(x * 100) / 100;
  // The ledger is finance's: it covers every month the company sold, not only the product data's window.
  for (let m = world.foundedMonth; m <= world.lastMonth; m++) {
    const offset = m - world.foundedMonth;
    const month = isoDate(m, 1);
    for (const segment of segments) {
      const t = world.tally[segment];
      const active = t.active[offset] ?? 0;
      writer?.write({
        month,
        cost_center: "csm",
        segment,
        amount: money((active / accountsPerCsm[segment]) * 10_400 * rng.uniform(0.97, 1.03)),
        currency: "USD",
      });
      writer?.write({
        month,
        cost_center: "onboarding",
        segment,
        amount: money((t.new[offset] ?? 0) * onboardingPerLogo[segment]),
        currency: "USD",
      });
      writer?.write({ month, cost_center: "renewals", segment, amount: money((t.mrrUsd[offset] ?? 0) * 0.015), currency: "USD" });
      // Expansion selling is CS-adjacent but not a retention cost: it exercises the cost-centre filter.
      writer?.write({ month, cost_center: "account_management", segment, amount: money((t.mrrUsd[offset] ?? 0) * 0.03), currency: "USD" });
    }
    // Shared teams grow with the book (a fixed cost would make the first years' ratios a startup's ramp).
    const tickets = world.ticketsByMonth[offset] ?? 0;
    const customers = segments.reduce((sum, segment) => sum + (world.tally[segment].active[offset] ?? 0), 0);
    writer?.write({ month, cost_center: "support", segment: null, amount: money(customers * 40 + tickets * 38), currency: "USD" });
    writer?.write({
      month,
      cost_center: "cs_ops",
      segment: null,
      amount: money(customers * 28 * rng.uniform(0.97, 1.03)),
      currency: "USD",
    });
  }
}

/** Month-start rates for EUR and GBP as a gentle random walk: reporting-currency units per unit. */
function writeFxRates(world: World, rng: Random): void {
  const writer = world.writers.finance_fx_rates;
  const rates: Record<string, number> = { EUR: 1.08, GBP: 1.27 };
  for (let m = world.foundedMonth - 1; m <= world.lastMonth; m++) {
    for (const currency of Object.keys(rates)) {
      const rate = (rates[currency] ?? 1) * (1 + rng.normal(0, 0.012));
      rates[currency] = rate;
      writer?.write({ currency, month: isoDate(m, 1), rate: rate.toFixed(4) });
    }
  }
}

/** Parquet through DuckDB's writer; one thread so the file's bytes do not depend on scheduling. */
async function writeParquet(csvPath: string, parquetPath: string): Promise<void> {
  mkdirSync(join(parquetPath, ".."), { recursive: true });
  rmSync(parquetPath, { force: true });
  const db = await Warehouse.open(":memory:");
  try {
    await db.run("SET threads = 1");
    await db.run(
      `COPY (SELECT * FROM read_csv(${literal(csvPath)}, header = true, columns = {'account_id': 'VARCHAR', 'user_id': 'VARCHAR', 'event_name': 'VARCHAR', 'occurred_at': 'VARCHAR', 'event_id': 'VARCHAR'}))
       TO ${literal(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    db.close();
  }
}
