import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, tempDir } from "./helpers.ts";

// Issue 13: a query that cannot match says so, with what there is, instead of printing an empty table.
const work = tempDir("bellwether-honest-");
const dir = work.dir;

beforeAll(() => {
  const sources = join(dir, "exports");
  mkdirSync(sources);
  // Two SMB accounts (under 100 employees) and one Enterprise account; data from January to March 2024.
  writeFileSync(join(sources, "crm_accounts.csv"), "account_id,name,employee_count\nA1,One,10\nA2,Two,20\nA3,Three,5000\n");
  writeFileSync(
    join(sources, "crm_subscriptions.csv"),
    "subscription_id,account_id,start_date,amount,interval_months\nS1,A1,2024-01-01,100,1\nS2,A2,2024-02-01,200,1\nS3,A3,2024-03-01,1000,1\n",
  );
  const built = cli(["build", "--sources", sources, "--quiet"], dir);
  if (built.status !== 0) throw new Error(built.stderr);
});
afterAll(() => work.cleanup());

describe("bellwether values", () => {
  it("lists a dimension's values with how many accounts have each", () => {
    const result = cli(["values", "segment", "--format", "json"], dir);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { value: "Enterprise", accounts: 1 },
      { value: "SMB", accounts: 2 },
    ]);
  });

  it("refuses an unknown dimension with the closest name", () => {
    const result = cli(["values", "segmnet"], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown dimension "segmnet" — did you mean "segment"?');
  });
});

describe("a query that cannot match", () => {
  it("says which --where value matches nothing, with the value in another case, and exits 1", () => {
    const result = cli(["query", "arr", "--where", "segment=enterprise"], dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'bellwether: --where segment=enterprise matches no value of segment; did you mean "Enterprise"?\n(values of segment: Enterprise, SMB; all of them: bellwether values segment)\n',
    );
  });

  it("gives the data's range for --from after --to and for a span outside the data", () => {
    const after = cli(["query", "arr", "--from", "2024-03-01", "--to", "2024-02-01"], dir);
    expect(after.status).toBe(1);
    expect(after.stderr).toBe("bellwether: --from 2024-03-01 is after --to 2024-02-01 (the data runs from 2024-01-31 to 2024-03-31)\n");
    const later = cli(["query", "arr", "--from", "2030-01-01"], dir);
    expect(later.status).toBe(1);
    expect(later.stderr).toBe("bellwether: no period ends on or after --from 2030-01-01: the data runs from 2024-01-31 to 2024-03-31\n");
    const earlier = cli(["query", "arr", "--to", "2023-12-31"], dir);
    expect(earlier.stderr).toBe("bellwether: no period ends on or before --to 2023-12-31: the data runs from 2024-01-31 to 2024-03-31\n");
  });
});

describe("as of", () => {
  const asOfWork = tempDir("bellwether-asof-");
  const home = asOfWork.dir;
  const sources = join(home, "exports");
  beforeAll(() => {
    mkdirSync(sources);
    writeFileSync(join(sources, "crm_accounts.csv"), "account_id,name\nA1,One\nA2,Two\n");
    // A1 ($1,200 ARR) ends on 15 February; the newest activity is A2's start on 20 January.
    writeFileSync(
      join(sources, "crm_subscriptions.csv"),
      "subscription_id,account_id,start_date,end_date,amount,interval_months\nS1,A1,2024-01-01,2024-02-15,100,1\nS2,A2,2024-01-20,,50,1\n",
    );
  });
  afterAll(() => asOfWork.cleanup());

  it("reports to the newest day with activity, month to date, and says which lines end after it", () => {
    const built = cli(["build", "--sources", sources], home);
    expect(built.status).toBe(0);
    expect(built.stderr).toContain("As of 2024-01-20 (its month to date): the newest day with activity in the data");
    // How to read ARR, not a gap in it: said, but not as a warning.
    expect(built.stderr).toContain(
      "Renewal schedule: 1 subscription line runs past 2024-01-20, carrying $1,200 ARR; it counts as ARR until its end date passes (build with --as-of DATE to report later).",
    );
    expect(built.stderr).not.toContain("warning: Renewal schedule");
    const json = JSON.parse(cli(["query", "arr,churned_arr", "--format", "json"], home).stdout);
    expect(json).toEqual([{ period: "2024-01-31", arr: 1_800, churned_arr: 0 }]);
    const board = readFileSync(join(home, "site", "board.html"), "utf8").replace(/\s+/g, " ");
    expect(board).toContain("Data as of 2024-01-20 (FY2024 Q1, month to date)");
    // The normal state of term contracts, not a notice: a line on the renewals page only.
    expect(board).not.toContain("Renewal schedule");
    expect(readFileSync(join(home, "site", "renewals.html"), "utf8").replace(/\s+/g, " ")).toContain(
      '<p class="note">Renewal schedule: 1 subscription line runs past 2024-01-20, carrying $1,200 ARR; it counts as ARR until its end date passes',
    );
  });

  it("gives each table's freshness as the age of its newest data, not of its load", () => {
    const status = JSON.parse(cli(["status", "--format", "json"], home).stdout) as {
      asset: string;
      newest_data: string | null;
      data_age_hours: number;
    }[];
    const subscriptions = status.find((s) => s.asset === "raw.crm_subscriptions");
    expect(subscriptions?.newest_data).toBe("2024-01-20T00:00:00Z");
    const hours = (Date.now() - Date.parse("2024-01-20T00:00:00Z")) / 3_600_000;
    expect(Math.abs((subscriptions?.data_age_hours ?? 0) - hours)).toBeLessThan(0.1);
    const quality = readFileSync(join(home, "site", "quality.html"), "utf8");
    const days = Math.floor((Date.now() - Date.parse("2024-01-20T00:00:00Z")) / 86_400_000);
    expect(quality.replace(/\s+/g, " ")).toMatch(
      new RegExp(`crm_subscriptions</td>\\s*<td[^>]*>2024-01-20</td>\\s*<td[^>]*>${days.toLocaleString("en-US")}</td>`),
    );
  });

  it("shows the churn once --as-of is past the end date", () => {
    const built = cli(["build", "--sources", sources, "--as-of", "2024-02-29"], home);
    expect(built.status).toBe(0);
    expect(built.stderr).not.toContain("Renewal schedule");
    const json = JSON.parse(cli(["query", "arr,churned_arr", "--format", "json"], home).stdout);
    expect(json).toEqual([
      { period: "2024-01-31", arr: 1_800, churned_arr: 0 },
      { period: "2024-02-29", arr: 600, churned_arr: -1_200 },
    ]);
    const later = cli(["query", "arr", "--as-of", "2024-03-31"], home);
    expect(later.status).toBe(1);
    expect(later.stderr).toContain("--as-of 2024-03-31 is after this warehouse's as-of date, 2024-02-29");
  });
});

describe("a warehouse knows what it was built from", () => {
  it("refuses to land a team's files into the sample's warehouse, or the sample into theirs, and changes nothing", async () => {
    const mixWork = tempDir("bellwether-mix-");
    try {
      const home = mixWork.dir;
      // What `build --sample` makes, small: files in .bellwether/sample beside the warehouse.
      const sampleFiles = join(home, ".bellwether", "sample");
      mkdirSync(sampleFiles, { recursive: true });
      writeFileSync(join(sampleFiles, "crm_accounts.csv"), "account_id,name\nS1,Sample\n");
      writeFileSync(
        join(sampleFiles, "crm_subscriptions.csv"),
        "subscription_id,account_id,start_date,amount,interval_months\nZ1,S1,2024-01-01,9,1\n",
      );
      expect(cli(["build", "--sources", sampleFiles, "--quiet"], home).status).toBe(0);
      // What the warehouse holds, without the ages status counts from the clock (they move between calls).
      const loads = () =>
        (JSON.parse(cli(["status", "--format", "json"], home).stdout) as Record<string, unknown>[]).map(
          ({ age_hours: _age, data_age_hours: _dataAge, ...rest }) => rest,
        );
      const before = loads();
      const mine = join(home, "exports");
      mkdirSync(mine);
      writeFileSync(join(mine, "crm_accounts.csv"), "account_id,name\nX1,Mine\n");
      for (const args of [
        ["ingest", "--dir", mine],
        ["build", "--sources", mine],
      ]) {
        const refused = cli(args, home);
        expect(refused.status, args.join(" ")).toBe(1);
        expect(refused.stderr).toContain(
          `${join(home, "warehouse.duckdb")} holds the sample data; landing your files from ${mine} into it would mix the two. Nothing was landed.`,
        );
        // The command it suggests is whole: its own warehouse and its own site, so the sample's site stays.
        expect(refused.stderr).toContain(`bellwether build --sources ${mine} --warehouse ./mine.duckdb --site ./mine-site`);
      }
      expect(loads()).toEqual(before);
      // The other way round: a warehouse of one's own files refuses the sample.
      const theirs = cli(["build", "--sources", mine, "--warehouse", join(home, "mine.duckdb"), "--quiet"], home);
      expect(theirs.status).toBe(0);
      const sample = cli(["build", "--sample", "--warehouse", join(home, "mine.duckdb")], home);
      expect(sample.status).toBe(1);
      expect(sample.stderr).toContain("holds your own files; landing the sample into it would mix the two");
    } finally {
      mixWork.cleanup();
    }
  });
});

describe("a book with only its CRM export", () => {
  it("leaves every account unscored, not 100 and green, and says which exports were never landed", () => {
    // The as-of test's folder holds accounts and subscriptions only: no usage, tickets, surveys or contacts.
    const crmWork = tempDir("bellwether-crm-only-");
    try {
      const home = crmWork.dir;
      const exports = join(home, "exports");
      mkdirSync(exports);
      writeFileSync(join(exports, "crm_accounts.csv"), "account_id,name\nA1,One\nA2,Two\n");
      writeFileSync(
        join(exports, "crm_subscriptions.csv"),
        "subscription_id,account_id,start_date,amount,interval_months\nS1,A1,2024-01-01,100,1\nS2,A2,2024-01-31,50,1\n",
      );
      expect(cli(["build", "--sources", exports, "--quiet"], home).status).toBe(0);
      const bands = JSON.parse(cli(["query", "health_accounts,health_score_avg", "--by", "health_band", "--format", "json"], home).stdout);
      expect(bands).toEqual([{ period: "2024-01-31", health_band: "unscored", health_accounts: 2, health_score_avg: null }]);
      const health = readFileSync(join(home, "site", "health.html"), "utf8").replace(/\s+/g, " ");
      expect(health).toContain(
        "No usage_events export has been landed: no data for usage, adoption and the health measures built on them: active users per seat, usage trend, adoption breadth (which is not the same as zero).",
      );
      expect(health).toContain("No support_tickets export has been landed");
      expect(health).not.toContain(">green<");
    } finally {
      crmWork.cleanup();
    }
  });
});

describe("a line in a currency with no FX rate", () => {
  it("is left out of ARR and named with its currency and month; the build goes on and every page says so", () => {
    const fxWork = tempDir("bellwether-fx-");
    try {
      const home = fxWork.dir;
      const exports = join(home, "exports");
      mkdirSync(exports);
      writeFileSync(join(exports, "crm_accounts.csv"), "account_id,name\nA1,One\nA2,Two\n");
      // A2 pays 100 EUR a month from January 2024, and there is no EUR rate at all: 1,200 EUR a year left out.
      writeFileSync(
        join(exports, "crm_subscriptions.csv"),
        "subscription_id,account_id,start_date,amount,interval_months,currency\nS1,A1,2024-01-01,100,1,USD\nS2,A2,2024-01-15,100,1,EUR\n",
      );
      const built = cli(["build", "--sources", exports], home);
      expect(built.status).toBe(0);
      const warning =
        "1 EUR subscription line has no FX rate for 2024-01 and is left out of ARR: €1,200 a year in EUR. Add the rates to finance_fx_rates.";
      expect(built.stderr).toContain(`warning: ${warning}`);
      expect(JSON.parse(cli(["query", "arr,customers", "--format", "json"], home).stdout)).toEqual([
        { period: "2024-01-31", arr: 1_200, customers: 1 },
      ]);
      for (const page of ["index.html", "board.html", "health.html", "cost.html", "quality.html", "glossary.html"]) {
        expect(readFileSync(join(home, "site", page), "utf8").replace(/\s+/g, " "), page).toContain(warning);
      }
    } finally {
      fxWork.cleanup();
    }
  });
});

describe("every page on every build", () => {
  it("writes every page of a new warehouse when an export is refused, each saying why, so no link is broken", () => {
    const refusedWork = tempDir("bellwether-refused-");
    try {
      const home = refusedWork.dir;
      const exports = join(home, "exports");
      mkdirSync(exports);
      writeFileSync(join(exports, "crm_accounts.csv"), "account_id,name\nA1,One\n");
      writeFileSync(join(exports, "crm_subscriptions.csv"), "subscription_id,account_id,amount\nS1,A1,10\n");
      const built = cli(["build", "--sources", exports], home);
      expect(built.status).toBe(1);
      expect(built.stderr).toContain("missing required columns start_date, interval_months for crm_subscriptions");
      const files = [
        "index.html",
        "board.html",
        "cost.html",
        "cohorts.html",
        "ttv.html",
        "health.html",
        "icp.html",
        "quality.html",
        "glossary.html",
      ];
      for (const file of files) {
        const page = readFileSync(join(home, "site", file), "utf8").replace(/\s+/g, " ");
        if (file !== "quality.html" && file !== "glossary.html")
          expect(page, file).toContain("This page has not been built yet: raw.crm_subscriptions failed.");
        for (const link of files) expect(page, `${file} links ${link}`).toContain(`href="${link}"`);
      }
      // The quality page reads no mart: it is built, and shows the refusal.
      const quality = readFileSync(join(home, "site", "quality.html"), "utf8");
      expect(quality).not.toContain("This page has not been built yet");
      expect(quality).toContain("missing required columns start_date, interval_months");
      // Paths from the project folder, never where the site was built: no page or download names the machine's folders.
      expect(quality).toContain(">exports/crm_subscriptions.csv<");
      expect(quality).toContain("exports/crm_subscriptions.csv: missing required columns");
      expect(quality).not.toContain(home);
      expect(readFileSync(join(home, "site", "data", "quality-loads.csv"), "utf8")).not.toContain(home);
    } finally {
      refusedWork.cleanup();
    }
  });
});
