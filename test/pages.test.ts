import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSite } from "../dashboards/render.ts";
import { accountFile, bookFile } from "../dashboards/pages/accounts.ts";
import { oldEnough } from "../dashboards/pages/ttv.ts";
import { duckdb } from "../engines/duckdb.ts";
import { inlineParameters } from "../engines/dialect.ts";
import { query } from "../metrics/query.ts";
import { RENEWALS_CONFIG } from "./fixtures/renewals/config.ts";
import { buildFixture, FIXTURES } from "./helpers.ts";

/** Text of an HTML page with tags and repeated spaces removed, to read numbers as a person does. */
const text = (file: string) =>
  readFileSync(file, "utf8")
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<svg[\s\S]*?<\/svg>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

describe("account, book and indicator pages (test/fixtures/renewals, as of 2025-12-31)", () => {
  let fixture: Awaited<ReturnType<typeof buildFixture>>;
  let site: string;
  beforeAll(async () => {
    // Ben's accounts (A2, A4, A6) are a pool here.
    fixture = await buildFixture(join(FIXTURES, "renewals"), {
      ...RENEWALS_CONFIG,
      pools: ["Ben"],
      targets: { nrr: 1.15, grr: 0.9, arr_per_csm: 2_000_000 },
      segmentTargets: { arr_per_csm: { Enterprise: 40_000 } },
    });
    site = join(fixture.dir, "site");
    await renderSite(fixture.db, fixture.config, site);
  }, 60_000);
  afterAll(() => fixture?.cleanup());

  it("writes a page for every account that ever paid, and one per owner", () => {
    expect(readdirSync(join(site, "accounts")).sort()).toEqual(["A1", "A2", "A3", "A4", "A5", "A6"].map((a) => `${a}.html`));
    expect(readdirSync(join(site, "books"))).toHaveLength(2);
  });

  it("gives an account's numbers: ARR and its movements, renewals, health, contacts", () => {
    const page = text(join(site, accountFile("A1")));
    // Annual 12,000 from 2024-01-01, renewed at 18,000 on 2025-01-01; next renewal 2026-01-01.
    expect(page).toContain("ARR $18K");
    expect(page).toContain("2024-01-31 new $12,000 $12,000");
    expect(page).toContain("2025-01-31 expansion $6,000 $18,000");
    expect(page).toContain("Next renewal 2026-01-01");
    expect(page).toContain("2026-01-01 $18,000 — pending");
    expect(page).toContain("2025-01-01 $12,000 $18,000 expanded");
    // Champion and buyer: relationship 2 → 100, green.
    expect(page).toContain("Health 100 · green");
    expect(page).toMatch(/owner Ana/);
    // The fixture has no product analytics: no usage chart of zeros, but a sentence.
    expect(page).toMatch(/Usage and support No data for this yet\./);
    // A churned account keeps its page, with the churn and no renewal to come.
    const churned = text(join(site, accountFile("A4")));
    expect(churned).toContain("2025-03-31 churn -$6,000 $0");
    expect(churned).toContain("2025-03-01 $6,000 $0 churned");
    // It says when it churned, and its health is not "unscored" but churned.
    expect(churned).toContain("Churned: last paid in Feb 2025");
    expect(churned).toContain("Health churned");
    // Contacts with their email and role.
    expect(page).toMatch(/Contacts Contact Email Title Role Since Left/);
  });

  it("draws an account's ARR month by month from its first paid month", () => {
    const page = readFileSync(join(site, accountFile("A1")), "utf8");
    const chart = /<svg[^>]*aria-label="ARR each month"[\s\S]*?<\/svg>/.exec(page)?.[0] ?? "";
    // A1 paid 12,000 a year from January 2024, 18,000 from January 2025, to December 2025: 24 months.
    const titles = [...chart.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1] as string);
    expect(titles).toHaveLength(24);
    expect(titles[0]).toMatch(/^2024-01-\d\d\n\$12,000$/);
    expect(titles[11]).toMatch(/^2024-12-\d\d\n\$12,000$/);
    expect(titles[12]).toMatch(/^2025-01-\d\d\n\$18,000$/);
    // 0…18,000 rounds to 0…20,000 in steps of 5,000.
    expect([...chart.matchAll(/dy="0.32em">([^<]+)</g)].map((m) => m[1])).toEqual(["$0", "$5K", "$10K", "$15K", "$20K"]);
  });

  it("leaves a pool out of ARR per CSM and shows it as a pool", async () => {
    // December 2025: Ana holds A1 18,000, A3 12,000 and A5 7,000; Ben (a pool) A2 24,000.
    const [row] = (
      await query(fixture.db, fixture.config, {
        metrics: ["arr", "arr_per_csm", "accounts_per_csm", "csms"],
        grain: "quarter",
        from: "2025-12-31",
      })
    ).rows;
    expect(row).toMatchObject({ arr: 61_000, arr_per_csm: 37_000 });
    // Ana's three thirds, each kept to 12 decimals so that every engine adds them up the same way.
    expect(row?.csms).toBeCloseTo(1, 9);
    expect(row?.accounts_per_csm).toBeCloseTo(3, 9);
    // By segment Ana counts a third in each (A1 Enterprise, A3 Mid-Market, A5 SMB): the segments add up to
    // her, and no segment's ARR per CSM is dragged under the total by counting her three times.
    const bySegment = (
      await query(fixture.db, fixture.config, { metrics: ["csms", "arr_per_csm"], by: ["segment"], grain: "quarter", from: "2025-12-31" })
    ).rows;
    const of = (segment: string) => bySegment.find((r) => r.segment === segment);
    expect(of("Enterprise")?.csms).toBeCloseTo(1 / 3, 12);
    expect(of("Enterprise")?.arr_per_csm).toBeCloseTo(18_000 * 3, 6);
    expect(of("Mid-Market")?.arr_per_csm).toBeCloseTo(12_000 * 3, 6);
    expect(of("SMB")?.arr_per_csm).toBeCloseTo(7_000 * 3, 6);
    expect(bySegment.reduce((sum, r) => sum + Number(r.csms ?? 0), 0)).toBeCloseTo(1, 9);
    const books = text(join(site, "books.html"));
    // Ana's book is mostly Enterprise (18,000 of 37,000): measured against Enterprise's target of
    // $40,000 per CSM (segmentTargets), 37,000 / 40,000 = 92.5%. A pool has no target.
    expect(books).toMatch(/Ana CSM Enterprise 3 \$37,000 .* \$40,000 92\.5%/);
    expect(books).toMatch(/Ben pool Enterprise 1 \$24,000 .* — —/);
    expect(books).toContain("Total: 4 paying accounts, $61,000 ARR");
    // Ana's own page: its as-of, its NRR and GRR over the accounts she held in December 2024 (A1 12,000,
    // A3 12,000, A5 10,000 = 34,000, now 18,000 + 12,000 + 7,000 = 37,000: NRR 108.8%; kept at most what
    // each had, 12,000 + 12,000 + 7,000 = 31,000: GRR 91.2%), its ARR trend, and totals under its lists.
    const ana = text(join(site, bookFile("Ana")));
    expect(ana).toContain("Data as of 2025-12-31");
    expect(ana).toContain("NRR, 12 months 108.8%");
    expect(ana).toContain("GRR, 12 months 91.2%");
    expect(readFileSync(join(site, bookFile("Ana")), "utf8")).toContain('aria-label="Book ARR each month"');
    expect(ana).toContain("Total: 3 paying accounts, $37,000 ARR.");
  });

  it("lists health bands worst first and leaves out a row with nothing in it", async () => {
    const page = readFileSync(join(site, "renewals.html"), "utf8");
    const table = page.match(/id="renewals-loss-rates"[\s\S]*?<\/table>/)?.[0] ?? "";
    const bands = [...table.matchAll(/<td class="word">(red|yellow|green|unscored)<\/td>/g)].map((m) => m[1]);
    // The query gives five rows at 2025-12-31: green Enterprise (p_loss 0, 2 accounts), green and red
    // Mid-Market (no p_loss, 0 accounts: nothing to say, left out), yellow Mid-Market and yellow SMB (1
    // each). Shown worst first: yellow before green, where the alphabet put green first.
    const rows = (
      await query(fixture.db, fixture.config, {
        metrics: ["p_loss", "health_accounts"],
        by: ["health_band", "segment"],
        grain: "quarter",
        from: "2025-12-31",
      })
    ).rows;
    expect(rows.map((r) => `${r.health_band} ${r.segment} ${r.health_accounts}`)).toEqual([
      "green Enterprise 2",
      "green Mid-Market 0",
      "red Mid-Market 0",
      "yellow Mid-Market 1",
      "yellow SMB 1",
    ]);
    expect(bands).toEqual(["yellow", "yellow", "green"]);
    // Stacked bars by band rise from the baseline in the legend's order: red, yellow, green, unscored.
    const chart = page.match(/id="renewals-arr-due-by-band"[\s\S]*?<\/figure>/)?.[0] ?? "";
    const colours = ["#c2412d", "#e0a526", "#1f8a4c", "#a9b0bd"];
    const bars = [...chart.matchAll(/<rect fill="(#[0-9a-f]{6})" height="([\d.]+)" y="([\d.]+)" width="[\d.]+" x="([\d.]+)"/g)]
      .map(([, fill, height, y, x]) => ({ band: colours.indexOf(fill ?? ""), height: Number(height), y: Number(y), x: Number(x) }))
      .filter((b) => b.height > 0);
    const stacks = new Map<number, typeof bars>();
    for (const bar of bars) stacks.set(bar.x, [...(stacks.get(bar.x) ?? []), bar]);
    expect([...stacks.values()].some((stack) => stack.length > 1)).toBe(true);
    for (const stack of stacks.values()) {
      const fromBaseline = [...stack].sort((a, b) => b.y - a.y).map((b) => b.band);
      expect(fromBaseline).toEqual([...fromBaseline].sort((a, b) => a - b));
    }
  });

  it("names the forecast's quarters as still to come", () => {
    const renewals = text(join(site, "renewals.html"));
    // As of 2025-12-31: the next four fiscal quarters have not begun.
    for (const q of ["FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4"]) expect(renewals).toContain(`${q} (to come)`);
    expect(renewals).not.toContain("FY2025 Q4 (to come)");
  });

  it("lists every account, linked, in a table that sorts and filters in the page", () => {
    const html = readFileSync(join(site, "accounts.html"), "utf8");
    for (const id of ["A1", "A2", "A3", "A4", "A5", "A6"]) expect(html).toContain(`href="${accountFile(id)}"`);
    expect(html).toContain('<input type="search"');
  });

  it("compares tiles with the config's targets and draws them on their charts", () => {
    const board = text(join(site, "board.html"));
    // NRR and GRR at 2025-12-31 over twelve months: the accounts paying in December 2024 (A1 12,000, A2
    // 24,000, A3 12,000, A4 6,000, A5 10,000, A6 9,000 = 73,000) hold 18,000 + 24,000 + 12,000 + 7,000 =
    // 61,000: NRR 83.6%, under 115%; GRR (12,000 + 24,000 + 12,000 + 7,000) / 73,000 = 75.3%, under 90%.
    expect(board).toContain("Net revenue retention 83.6%");
    expect(board).toContain("Target 115.0%: not met");
    // Six accounts in NRR's base: the tile gives its n and, under the default minimum of 30, its interval and a caution.
    expect(board).toMatch(
      /Net revenue retention 83\.6% .*n = 6 base accounts small sample \(n = 6 (?:<|&lt;) 30\), 95% \d+\.\d%–\d+\.\d%: read with care/,
    );
    expect(board).toContain("Target 90.0%: not met");
    const html = readFileSync(join(site, "board.html"), "utf8");
    const trend = html.slice(html.indexOf('id="board-nrr-grr-trend"'), html.indexOf('id="board-arr-bridge"'));
    // Two dashed green rules (115% and 90%), labelled, in the chart for the screen and the one for print.
    expect(trend.match(/stroke="#1f8a4c"/g)?.length).toBeGreaterThanOrEqual(1);
    expect(trend.match(/>target</g)?.length).toBe(2 * 2);
  });

  it("prints every metric's SQL in the glossary with its values written in: it runs as printed", async () => {
    const html = readFileSync(join(site, "glossary.html"), "utf8");
    const unescape = (t: string) =>
      t.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&amp;", "&");
    const blocks = [...html.matchAll(/<article class="metric" id="metric-([a-z0-9_]+)">[\s\S]*?<pre><code>([\s\S]*?)<\/code><\/pre>/g)];
    expect(blocks.length).toBeGreaterThan(80);
    for (const [, name, sql] of blocks) {
      const printed = unescape(sql ?? "");
      expect(printed, name).not.toMatch(/\$\d/);
      const rows = await fixture.db.all(printed);
      const ours = (await query(fixture.db, fixture.config, { metrics: [name as string], grain: "quarter" })).rows;
      expect(rows.length, name).toBe(ours.length);
    }
  }, 60_000);
});

describe("time to value counts", () => {
  it("says how many accounts each quarter's figures rest on", async () => {
    const fixture = await buildFixture(join(FIXTURES, "renewals"), RENEWALS_CONFIG);
    try {
      const rows = (
        await query(fixture.db, fixture.config, {
          metrics: ["ttv_started_accounts", "ttv_reached_accounts"],
          grain: "quarter",
          from: "2024-03-31",
          to: "2024-06-30",
        })
      ).rows;
      // A1, A2, A3 (January) and A4 (March) start in the first quarter; A5 (April) and A6 (June) in the
      // second. The fixture has no milestones: none reached value.
      expect(rows.map((r) => [r.period, r.ttv_started_accounts, r.ttv_reached_accounts])).toEqual([
        ["2024-03-31", 4, 0],
        ["2024-06-30", 2, 0],
      ]);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe("inlineParameters", () => {
  it("writes values in as literals, leaves quoted text alone, and tells $1 from $10", () => {
    const params = ["O'Brien", 2, null, true, 5, 6, 7, 8, 9, 10];
    const sql = "SELECT '$1' AS q, $1 AS a, $2 + $10 AS b, $3 AS c, $4 AS d";
    expect(inlineParameters(sql, params, duckdb)).toBe("SELECT '$1' AS q, 'O''Brien' AS a, 2 + 10 AS b, NULL AS c, TRUE AS d");
  });
});

describe("time-to-value windows on the page", () => {
  it("leaves a quarter's share within a window out until the window has passed for all its accounts", () => {
    const row = { period: "2026-06-30", ttv_reached_30d: 0.5, ttv_reached_60d: 0.7, ttv_reached_90d: 0.8 };
    // As of 2026-09-15: 06-30 + 30 and + 60 days (07-30, 08-29) have passed; + 90 (09-28) has not.
    expect(oldEnough(row, "2026-09-15")).toEqual({ ...row, ttv_reached_90d: null });
    // As of 2026-09-30 all three have; the quarter ending that day has none.
    expect(oldEnough(row, "2026-09-30")).toEqual(row);
    expect(oldEnough({ ...row, period: "2026-09-30" }, "2026-09-30")).toEqual({
      period: "2026-09-30",
      ttv_reached_30d: null,
      ttv_reached_60d: null,
      ttv_reached_90d: null,
    });
  });
});
