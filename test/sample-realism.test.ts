import { afterAll, describe, expect, it } from "vitest";
import { generateSample, SAMPLE_SCALES } from "../pipelines/sample/generate.ts";
import { buildFixture, tempDir } from "./helpers.ts";
import { headlineFigures } from "./support/headline-figures.ts";

// The demo company's headline figures sit where public SaaS benchmarks put a healthy company of its size
// (sources in the README, "The sample company"): the default seed, which the README and the site show,
// and two more, so the ranges hold for the generator and not for one lucky draw.
const USAGE_START = "2023-10-01"; // 36 months to the sample's as-of date, 2026-09-30

const temps: { cleanup(): void | Promise<void> }[] = [];
afterAll(async () => {
  for (const t of temps) await t.cleanup();
});

const inRange = (value: number | null | undefined, low: number, high: number, what: string) => {
  expect(value, what).not.toBeNull();
  expect(value as number, what).toBeGreaterThanOrEqual(low);
  expect(value as number, what).toBeLessThanOrEqual(high);
};

describe.each(["1", "3", "7"])("the sample company, seed %s", (seed) => {
  it("has the figures of a healthy SaaS company of its size, and a book that exists when the data starts", async () => {
    const sources = tempDir();
    temps.push(sources);
    await generateSample({ out: sources.dir, ...SAMPLE_SCALES.small, seed });
    const fixture = await buildFixture(sources.dir);
    temps.push(fixture);
    const figures = await headlineFigures(fixture.db, fixture.config, USAGE_START);

    expect(figures.years).toEqual(["2024-12-31", "2025-12-31"]);
    for (const year of figures.years) {
      const y = figures.byYear[year] ?? {};
      inRange(y.nrr, 1.0, 1.15, `${year} NRR`);
      inRange(y.grr, 0.85, 0.95, `${year} GRR`);
      inRange(y.quick_ratio, 1, 5, `${year} quick ratio`);
      inRange(y.arr_growth, 0.2, 0.5, `${year} ARR growth`);
      inRange(y.dau_mau, 0.1, 0.3, `${year} DAU/MAU`);
      inRange(y.csql_conversion, 0.2, 0.5, `${year} CSQL conversion`);
    }
    // Trailing twelve months at the as-of date.
    inRange(figures.latest.nrr, 1.0, 1.15, "NRR at the as-of date");
    inRange(figures.latest.grr, 0.85, 0.95, "GRR at the as-of date");
    const { SMB: smb, Enterprise: enterprise } = figures.latestBySegment;
    expect(enterprise?.nrr as number, "Enterprise NRR above SMB's").toBeGreaterThan(smb?.nrr as number);
    // SMB loses logos clearly faster than Enterprise: at least twice the rate.
    expect(smb?.logo_churn as number).toBeGreaterThan(2 * (enterprise?.logo_churn as number));

    // Month one is not a cliff: the book was sold over the years before, so the first month of data adds
    // no more new ARR than a busy month later on (at most twice the median month's).
    const months = [...figures.monthlyNewArr];
    const median = [...months].sort((a, b) => a - b)[Math.floor(months.length / 2)] as number;
    expect(months[0]).toBeLessThanOrEqual(2 * median);
    const customersAt = async (month: string) =>
      (
        await fixture.db.one<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM marts.account_months WHERE month = DATE '${month}' AND arr > 0`,
        )
      )?.n ?? 0;
    const atStart = await customersAt(USAGE_START);
    expect(atStart).toBeGreaterThan(0.5 * (await customersAt("2026-09-01")));

    // The generator writes clean files: nothing is quarantined (a discount of 0.1 + 0.05 once was).
    for (const { table_name } of await fixture.db.all<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'quarantine'",
    )) {
      const held = await fixture.db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM quarantine.${table_name}`);
      expect(held?.n, `quarantine.${table_name}`).toBe(0);
    }

    // Tech-touch SMB accounts (45% of those won) sit with a pooled digital-CS owner, not a named CSM;
    // survivors skew the share a little (a pooled account is as likely to churn).
    const pooled = await fixture.db.one<{ share: number }>(
      `SELECT avg(CASE WHEN owner_csm = 'Digital CS' THEN 1 ELSE 0 END)::DOUBLE AS share
       FROM marts.account_months WHERE month = DATE '2026-09-01' AND arr > 0 AND segment = 'SMB'`,
    );
    inRange(pooled?.share, 0.3, 0.7, "SMB accounts with the pooled owner");
  });
});
