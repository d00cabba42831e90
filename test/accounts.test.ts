import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DrillData } from "../dashboards/drill.ts";
import { definePage } from "../dashboards/page.ts";
import { renderSite } from "../dashboards/render.ts";
import { type MetricRow, query } from "../metrics/query.ts";
import { buildFixture, cli, FIXTURES } from "./helpers.ts";

/*
 * --accounts on test/fixtures/retention as of 2024-12-31 (worked in test/retention.test.ts). FY2024 Q4:
 * ARR at 2024-12-31 is 18,000 + 2,880 + 1,200 + 6,000 + 24,000 = 52,080 (A4 gone in June). NRR over 12
 * months: the base is A1–A4 at 2023-12-31; numerator their ARR now, denominator their ARR then:
 *   A1 18,000 / 12,000 · A2 2,880 / 4,800 · A3 1,200 / 2,400 · A4 0 / 13,200 → 22,080 / 32,400.
 * A5 (from 2024-02) and A6 (from 2024-05) add ARR but are not in the base.
 */
let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-12-31" });
}, 120_000);
afterAll(async () => fixture?.cleanup());

const EXPECTED = [
  ["A1", "Alpha Analytics", 18_000, 18_000, 12_000],
  ["A2", "Beta, Inc.", 2_880, 2_880, 4_800],
  ["A3", "Gamma Labs", 1_200, 1_200, 2_400],
  ["A4", "Delta GmbH", 0, 0, 13_200],
  ["A5", "Epsilon Health", 6_000, 0, 0],
  ["A6", "<img src=x onerror=alert(1)>", 24_000, 0, 0],
];

describe("--accounts", () => {
  it("lists what each account adds to ARR and to NRR's numerator and denominator, adding up to the figures", async () => {
    const request = { metrics: ["arr", "nrr"], grain: "quarter" as const, from: "2024-12-01" };
    const { rows, columns } = await query(fixture.db, fixture.config, { ...request, accounts: true });
    expect(columns.map((c) => c.name)).toEqual(["period", "account", "account_name", "arr", "nrr_numerator", "nrr_denominator"]);
    expect(rows.map((r) => [r.account, r.account_name, r.arr, r.nrr_numerator, r.nrr_denominator])).toEqual(EXPECTED);
    const [figure] = (await query(fixture.db, fixture.config, request)).rows as MetricRow[];
    const sum = (name: string) => rows.reduce((s, r) => s + Number(r[name]), 0);
    expect(sum("arr")).toBe(figure?.arr);
    expect(sum("nrr_numerator") / sum("nrr_denominator")).toBeCloseTo(figure?.nrr as number, 12);
    expect([sum("nrr_numerator"), sum("nrr_denominator")]).toEqual([22_080, 32_400]);
  });

  it("lists the parts of a metric made from others, once each, and keeps a grouping", async () => {
    const { rows, columns } = await query(fixture.db, fixture.config, {
      metrics: ["arpa", "arr"],
      by: ["segment"],
      grain: "quarter",
      from: "2024-12-01",
      accounts: true,
    });
    // ARPA = ARR / customers: its parts are ARR (asked for too: one column) and the customer count.
    expect(columns.map((c) => c.name)).toEqual(["period", "account", "account_name", "segment", "arr", "customers"]);
    expect(rows.map((r) => [r.account, r.segment, r.arr, r.customers])).toEqual([
      ["A1", "SMB", 18_000, 1],
      ["A2", "SMB", 2_880, 1],
      ["A3", "SMB", 1_200, 1],
      ["A5", "Mid-Market", 6_000, 1],
      ["A6", "Enterprise", 24_000, 1],
    ]);
  });

  it("refuses what accounts do not add up to, saying why", async () => {
    const ask = (metrics: string[]) => query(fixture.db, fixture.config, { metrics, accounts: true });
    await expect(ask(["ttv_median_days"])).rejects.toThrow("metric ttv_median_days is a median: its accounts do not add up to it");
    await expect(ask(["health_auc"])).rejects.toThrow("its accounts do not add up to it");
    await expect(ask(["cost_to_retain"])).rejects.toThrow("is not made of accounts' rows");
    await expect(ask(["arr_growth"])).rejects.toThrow("ask --accounts for arr");
    await expect(query(fixture.db, fixture.config, { metrics: ["arr"], accounts: true, compare: "previous" })).rejects.toThrow(
      "ask for --compare separately",
    );
  });
});

describe("the accounts behind a figure, on the site", () => {
  it("links a tile to its accounts, whose data adds up to it: NRR's numerator and denominator", async () => {
    const board = definePage({
      file: "index.html",
      nav: "Board",
      title: "Board",
      intro: "",
      tiles: { metrics: ["arr", "nrr", "ttv_median_days"], query: { grain: "quarter" } },
      sections: [],
    });
    const out = join(fixture.dir, "drill-site");
    await renderSite(fixture.db, fixture.config, out, [board]);
    const page = readFileSync(join(out, "index.html"), "utf8");
    const links = [...page.matchAll(/<a class="drill" href="drill\.html\?([^"]+)"/g)].map(
      (m) => new URLSearchParams(m[1]?.replaceAll("&amp;", "&")),
    );
    // ARR and NRR link to their accounts; a median of days to value has none that add up to it.
    expect(links.map((l) => [l.get("m"), l.get("p")])).toEqual([
      ["arr", "2024-12-31"],
      ["nrr", "2024-12-31"],
    ]);
    const set = links[1]?.get("s") as string;
    expect(existsSync(join(out, "drill.html"))).toBe(true);
    const script = readFileSync(join(out, "data", `drill-${set}.js`), "utf8");
    const data = JSON.parse(script.slice(script.indexOf("(") + 1, script.lastIndexOf(")"))) as DrillData;
    const at = (name: string) => data.columns.findIndex((c) => c.name === name);
    const rows = data.rows.filter((r) => r[at("period")] === "2024-12-31");
    const sum = (name: string) => rows.reduce((s, r) => s + Number(r[at(name)]), 0);
    expect([sum("arr"), sum("nrr_numerator"), sum("nrr_denominator")]).toEqual([52_080, 22_080, 32_400]);
    expect(data.metrics.nrr?.parts.map((p) => p.name)).toEqual(["nrr_numerator", "nrr_denominator"]);
    expect(data.metrics.nrr?.windows["2024-12-31"]).toBe("12 months to 2024-12-31");
    // An account's name is data in a script: "<" is escaped, so no name can end the script or start markup.
    expect(script).not.toContain("<img");
    expect(rows.find((r) => r[at("account")] === "A6")?.[at("account_name")]).toBe("<img src=x onerror=alert(1)>");
    expect(rows.find((r) => r[at("account")] === "A6")?.[at("account_file")]).toBe("accounts/A6.html");
  });
});

describe("--accounts on the command line", () => {
  // The CLI is another process: it needs the warehouse file unlocked. These tests run last in this file.
  beforeAll(() => fixture.db.close());

  it("prints the same rows as JSON and as CSV", () => {
    const args = [
      "query",
      "arr,nrr",
      "--grain",
      "quarter",
      "--from",
      "2024-12-01",
      "--accounts",
      "--warehouse",
      join(fixture.dir, "warehouse.duckdb"),
    ];
    const json = cli([...args, "--format", "json"], fixture.dir);
    expect(json.stderr).toBe("");
    const rows = JSON.parse(json.stdout) as MetricRow[];
    expect(rows.map((r) => [r.account, r.account_name, r.arr, r.nrr_numerator, r.nrr_denominator])).toEqual(EXPECTED);
    const csv = cli([...args, "--format", "csv"], fixture.dir);
    expect(csv.stdout.split("\n")[0]).toBe("period,account,account_name,arr,nrr_numerator,nrr_denominator");
    expect(csv.stdout).toContain('2024-12-31,A2,"Beta, Inc.",2880,2880,4800');
  });
});
