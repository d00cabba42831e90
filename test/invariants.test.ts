import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "../metrics/catalog.ts";
import { generateSample } from "../pipelines/sample/generate.ts";
import { asOfDifferences } from "./support/as-of-invariant.ts";
import {
  accountsAddUp,
  bridgesFootByGroup,
  comparedWithEarlierPeriods,
  groupsSumToTotals,
  periodsSumToLongerOnes,
  sameFiguresUpToAsOf,
} from "./support/catalog-invariants.ts";
import { cutExports } from "./support/cut-exports.ts";
import { buildFixture, FIXTURES, tempDir } from "./helpers.ts";

/*
 * DESIGN "Invariants" over the whole catalog, on books small enough for `npm test`: every additive
 * metric's groups sum to its total for every dimension it takes, a year is the sum of its quarters and
 * a quarter of its months, and a build as of a day over complete exports equals one over the exports
 * cut at that day — every mart, and every metric month by month. The large sample runs the same
 * checks in `npm run bench` (bench/invariants.ts).
 */
type Built = Awaited<ReturnType<typeof buildFixture>>;

/** Two builds as of `day`: over the complete exports `sources` gives, and over them cut at `day`. */
function asOfPair(sources: () => Promise<string>, day: string) {
  const pair: { full?: Built; cut?: Built } = {};
  const cutDir = tempDir("bellwether-cut-");
  beforeAll(async () => {
    const from = await sources();
    await cutExports(from, cutDir.dir, day);
    pair.full = await buildFixture(from, { asOf: day });
    pair.cut = await buildFixture(cutDir.dir, { asOf: day });
  }, 240_000);
  afterAll(async () => {
    await pair.full?.cleanup();
    await pair.cut?.cleanup();
    cutDir.cleanup();
  });
  return pair as Required<typeof pair>;
}

function invariants(pair: Required<{ full: Built; cut: Built }>) {
  it("every additive metric's groups sum to its total, for every dimension it takes, every month", async () => {
    expect(await groupsSumToTotals(pair.full.db, pair.full.config, catalog())).toEqual([]);
  });
  it("a year's flows are the sum of its quarters, a quarter's of its months (to date where the as-of cuts)", async () => {
    expect(await periodsSumToLongerOnes(pair.full.db, pair.full.config, catalog())).toEqual([]);
  });
  it("--compare reads the period before (and the year before) as the query reads it: every metric, at each grain", async () => {
    expect(await comparedWithEarlierPeriods(pair.full.db, pair.full.config, catalog())).toEqual([]);
  });
  it("the accounts behind every figure add up to it (a ratio: their numerator and denominator), every month and quarter", async () => {
    expect(await accountsAddUp(pair.full.db, pair.full.config, catalog())).toEqual([]);
  });
  it("the ARR bridge foots in every group of every account dimension, moves between groups included", async () => {
    expect(await bridgesFootByGroup(pair.full.db, pair.full.config, catalog())).toEqual([]);
  });
  it("a build as of the day over complete exports equals one over the exports cut at it: every mart", async () => {
    expect(await asOfDifferences(pair.full.db, pair.cut.db)).toEqual([]);
  });
  it("nothing after the as-of moves any figure: every metric, month by month", async () => {
    expect(await sameFiguresUpToAsOf(pair.full.db, pair.cut.db, pair.full.config, catalog())).toEqual([]);
  });
}

describe("invariants on the edges book (a mid-month as-of, a line inside one month, open yearly and quarterly lines)", () => {
  invariants(asOfPair(async () => join(FIXTURES, "edges"), "2025-03-15"));
});

describe("invariants on a small sample cut mid-month (80 accounts, 24 months)", () => {
  const sample = tempDir("bellwether-invariant-sample-");
  afterAll(() => sample.cleanup());
  invariants(
    asOfPair(async () => {
      await generateSample({ out: sample.dir, accounts: 80, months: 24, seed: 11 });
      return sample.dir;
    }, "2026-08-15"),
  );
});
