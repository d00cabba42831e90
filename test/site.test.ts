import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatValue } from "../core/format.ts";
import { html, raw } from "../dashboards/html.ts";
import { definePage, pageQueries } from "../dashboards/page.ts";
import { pages } from "../dashboards/pages/index.ts";
import { lastPeriods } from "../dashboards/pages/periods.ts";
import { renderSite } from "../dashboards/render.ts";
import { catalog } from "../metrics/catalog.ts";
import { compileMetricQuery } from "../metrics/compile.ts";
import { buildFixture, FIXTURES } from "./helpers.ts";
import { waterfallDomain } from "../dashboards/marks.ts";

let fixture: Awaited<ReturnType<typeof buildFixture>>;
let site: string;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-12-31" });
  site = join(fixture.dir, "site");
  await renderSite(fixture.db, fixture.config, site);
});
afterAll(() => fixture?.cleanup());

describe("the rendered site", () => {
  it("writes every page, one stylesheet and a CSV (and Parquet) behind every chart, with no server needed", () => {
    expect(readdirSync(site).sort()).toEqual([
      "accounts",
      "accounts.html",
      "board.html",
      "books",
      "books.html",
      "cohorts.html",
      "cost.html",
      "data",
      "drill.html",
      "glossary.html",
      "health.html",
      "icp.html",
      "index.html",
      "indicators.html",
      "quality.html",
      "renewals.html",
      "style.css",
      "ttv.html",
    ]);
    const data = readdirSync(join(site, "data"));
    for (const page of pages) {
      for (const block of page.sections.flatMap((s) => s.blocks)) {
        if (block.kind === "content") continue;
        expect(data, block.id).toContain(`${block.id}.csv`);
        if (block.kind !== "listing") expect(data, block.id).toContain(`${block.id}.parquet`);
      }
      // Only relative links: it opens from file://.
      expect(readFileSync(join(site, page.file), "utf8")).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it("shows the headline numbers of the fixture as people read them", () => {
    const page = readFileSync(join(site, "index.html"), "utf8");
    // ARR at 2024-12-31 = 52,080; NRR 22,080 / 32,400; GRR 16,080 / 32,400; logo churn 1 / 4 (test/retention.test.ts).
    // Each figure links to the accounts behind it (drill.html, with its query, metric and period).
    const tile = (metric: string, text: string) =>
      `<div class="value"><a class="drill" href="drill.html?s=${set}&amp;m=${metric}&amp;p=2024-12-31" title="The accounts behind this figure">${text}</a></div>`;
    const set = /drill\.html\?s=([0-9a-f]{12})&amp;m=arr&amp;/.exec(page)?.[1];
    expect(page).toContain(tile("arr", "$52.1K"));
    expect(page).toContain(tile("nrr", "68.1%"));
    expect(page).toContain(tile("grr", "49.6%"));
    expect(page).toContain(tile("logo_churn", "25.0%"));
    expect(page).toContain("Data as of 2024-12-31 (FY2024 Q4)");
    // Prior quarter (2024-09-30): the 12-month base is A4 alone, gone by then: NRR 0, logo churn 100%.
    // Both moves are good news, one up and one down: a metric says which way is better.
    expect(page).toContain('<div class="change up">+68.1 pts vs FY2024 Q3</div>');
    expect(page).toContain('<div class="change up">−75.0 pts vs FY2024 Q3</div>');
  });

  it("draws each chart as inline SVG with a label, a description and native tooltips", () => {
    const page = readFileSync(join(site, "board.html"), "utf8");
    // Four charts; the risk-weighted one has no data (this book has no health inputs, so no loss rate is
    // known: unknown, not $0), so it says so in words. The board is printed: each chart comes twice, for
    // the screen and drawn at print size.
    expect(page.match(/<svg[^>]*class="plot-/g)?.length).toBe(3 * 2);
    expect(page.match(/<div class="print-only">/g)?.length).toBe(3);
    expect(page).toContain("No data for this yet.");
    expect(page).not.toContain("Zero in every period shown.");
    expect(page).toContain('aria-label="ARR bridge, last four quarters"');
    expect(page).toContain('aria-label="NRR and GRR, trailing 12 months, last eight quarters"');
    // The waterfall's last bar: closing ARR at 2024-12-31 (test/retention.test.ts).
    expect(page).toContain("<title>FY2024 Q4 · Closing\n$52,080</title>");
    expect(page).toContain('href="data/board-arr-bridge.csv" download');
    expect(page).toContain('href="data/board-arr-bridge.parquet" download');
  });

  it("puts a table's rows in its CSV, unformatted, and shows the last quarter formatted", () => {
    const csv = readFileSync(join(site, "data", "board-retention-table.csv"), "utf8")
      .trim()
      .split("\n");
    // Headers as the page labels them, the period named beside its ISO date; ids, formats and units beside.
    expect(csv[0]).toBe("Period end,Period,Segment,ARR,Customers,Net revenue retention,Gross revenue retention,Logo churn");
    // NRR, GRR and logo churn are the twelve months to each quarter end, and the rows say so.
    expect(csv.slice(-3).map((line) => line.split(",").slice(0, 4).join(","))).toEqual([
      "2024-12-31,12 months to 2024-12-31,Enterprise,24000",
      "2024-12-31,12 months to 2024-12-31,Mid-Market,6000",
      "2024-12-31,12 months to 2024-12-31,SMB,22080",
    ]);
    // Ratios to 6 decimals: NRR 22,080 / 32,400 is 0.681481…
    const nrr = csv.map((line) => line.split(",")[5]).filter((v) => v && /^0\.\d+$/.test(v));
    for (const v of nrr) expect(v?.split(".")[1]?.length).toBeLessThanOrEqual(6);
    const columns = JSON.parse(readFileSync(join(site, "data", "board-retention-table.columns.json"), "utf8")) as {
      column: string;
      label: string;
    }[];
    expect(columns.map((c) => c.column)).toEqual(["period", "period_label", "segment", "arr", "customers", "nrr", "grr", "logo_churn"]);
    const page = readFileSync(join(site, "board.html"), "utf8");
    // A short label and a word never break (class "word"): a period label, a segment.
    expect(page).toMatch(
      /<td class="word">12 months to 2024-12-31<\/td>\s*<td class="word">SMB<\/td>\s*<td class="num"><a class="drill" href="drill\.html\?[^"]*m=arr&amp;p=2024-12-31&amp;d\.segment=SMB"[^>]*>\$22,080<\/a><\/td>/,
    );
    expect(page).not.toContain(">12 months to 2024-09-30</td>");
  });

  it("writes the Parquet download from the rows the page fetched: the same rows as the CSV", async () => {
    const file = join(site, "data", "board-retention-table.parquet");
    const rows = await fixture.db.all<{ period: string; segment: string; arr: number }>(
      `SELECT strftime(period, '%Y-%m-%d') AS period, segment, arr FROM read_parquet('${file}') ORDER BY period, segment`,
    );
    expect(rows.slice(-3)).toEqual([
      { period: "2024-12-31", segment: "Enterprise", arr: 24_000 },
      { period: "2024-12-31", segment: "Mid-Market", arr: 6_000 },
      { period: "2024-12-31", segment: "SMB", arr: 22_080 },
    ]);
    const csv = readFileSync(join(site, "data", "board-retention-table.csv"), "utf8")
      .trim()
      .split("\n");
    expect(rows).toHaveLength(csv.length - 1);
  });

  it("declares only pages whose charts, tables and tiles compile against the catalog", () => {
    const queries = pages.flatMap(pageQueries);
    const declared = pages.reduce(
      (n, p) =>
        n + (p.tiles ? 1 : 0) + p.sections.flatMap((s) => s.blocks).filter((b) => b.kind === "chart" || b.kind === "metric_table").length,
      0,
    );
    expect(queries.length).toBe(declared);
    expect(declared).toBeGreaterThan(20);
    for (const q of queries) expect(() => compileMetricQuery(q, { catalog: catalog(), defaultWindow: 12 })).not.toThrow();
  });

  it("compares a tile with the period before at the tiles' own grain", async () => {
    const monthly = definePage({
      file: "index.html",
      nav: "M",
      title: "Monthly",
      intro: "",
      tiles: { metrics: ["customers"], query: { grain: "month" } },
      sections: [],
    });
    const out = join(fixture.dir, "monthly-site");
    await renderSite(fixture.db, fixture.config, out, [monthly]);
    expect(readFileSync(join(out, "index.html"), "utf8")).toMatch(/<div class="change[^"]*">[^<]* vs Nov 2024<\/div>/);
  });

  it("lists every metric in the glossary with its compiled SQL", () => {
    const page = readFileSync(join(site, "glossary.html"), "utf8");
    for (const name of catalog().metrics.keys()) expect(page, name).toContain(`id="metric-${name}"`);
    expect(page).toContain("Compiled SQL");
    expect(page).toContain("inner join &quot;marts&quot;.&quot;account_months&quot;");
    // The index names metrics as the pages do, by label, in the alphabet's order; the id is the anchor.
    const toc = page.match(/<nav class="toc"[^>]*>([\s\S]*?)<\/nav>/)?.[1] ?? "";
    expect(toc).toContain('<a href="#metric-adoption_breadth">Key features used (30 days)</a>');
    const labels = [...toc.matchAll(/<a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1] ?? "");
    expect(labels).toHaveLength(catalog().metrics.size);
    expect(labels.indexOf("Accounts per CSM")).toBeLessThan(labels.indexOf("Key features used (30 days)"));
    expect(labels.indexOf("Key features used (30 days)")).toBeLessThan(labels.indexOf("Net revenue retention"));
  });

  it("leaves the previous site as it was when a render fails", async () => {
    const before = readFileSync(join(site, "index.html"), "utf8");
    const broken = definePage({
      file: "index.html",
      nav: "Broken",
      title: "Broken",
      intro: "",
      sections: [
        {
          title: "x",
          blocks: [{ kind: "chart", id: "x", title: "x", description: "x", query: { metrics: ["no_such_metric"] }, plot: () => ({}) }],
        },
      ],
    });
    await expect(renderSite(fixture.db, fixture.config, site, [broken])).rejects.toThrow('unknown metric "no_such_metric"');
    expect(readFileSync(join(site, "index.html"), "utf8")).toBe(before);
    expect(readdirSync(fixture.dir).filter((f) => f.includes(".building-") || f.includes(".previous-"))).toEqual([]);
    expect(existsSync(join(site, "style.css"))).toBe(true);
  });
});

describe("escaping and formatting", () => {
  it("escapes everything interpolated into a page unless it is marked as markup", () => {
    const name = "<img src=x onerror=alert(1)>";
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;</td>',
    );
    expect(html`<p>${raw("<b>ok</b>")} ${["a&b", "<c>"]}</p>`.value).toBe("<p><b>ok</b> a&amp;b&lt;c&gt;</p>");
  });

  it.each([
    [4_213_887, "currency", "compact", "$4.2M"],
    [980_000, "currency", "compact", "$980K"],
    [4_213_887, "currency", "full", "$4,213,887"],
    [1.0734, "percent", "full", "107.3%"],
    [38.4, "days", "full", "38 days"],
    [1204, "count", "full", "1,204"],
    [null, "percent", "full", "—"],
    // An NPS is held as a fraction and read as a score: 0.298 is +29.8, −0.04 is −4.0, never "29.8%".
    [0.298, "nps", "full", "+29.8"],
    [-0.04, "nps", "full", "−4.0"],
    [0, "nps", "full", "0.0"],
  ] as const)("formats %s as %s (%s) → %s", (value, format, style, expected) => {
    expect(formatValue(value, format, { currency: "USD", style })).toBe(expected);
  });
});

describe("a chart's last periods", () => {
  // Four years of a backtest rate by band; the last year's horizon has not passed, so it has no value.
  const rows = ["2022-12-31", "2023-12-31", "2024-12-31", "2025-12-31"].flatMap((period, i) =>
    ["red", "green"].map((band) => ({ period, band, rate: i === 3 ? null : i / 10 })),
  );
  it("are the last n periods, or the last n in which the metric is known", () => {
    const periods = (shown: typeof rows) => [...new Set(shown.map((r) => r.period))];
    expect(periods(lastPeriods(rows, 2) as typeof rows)).toEqual(["2024-12-31", "2025-12-31"]);
    expect(periods(lastPeriods(rows, 2, "rate") as typeof rows)).toEqual(["2023-12-31", "2024-12-31"]);
  });
});

describe("the board's ARR bridge", () => {
  it("has a table beside the waterfall whose every quarter foots: opening + movements = closing, to the cent", () => {
    const [header = "", ...lines] = readFileSync(join(site, "data", "board-arr-bridge-table.csv"), "utf8")
      .trim()
      .split("\n");
    expect(header).toBe("Period end,Period,Opening ARR,New ARR,Reactivation ARR,Expansion ARR,Contraction ARR,Churned ARR,ARR");
    const board = readFileSync(join(site, "board.html"), "utf8");
    expect(board).toContain('id="board-arr-bridge-table"');
    for (const line of lines) {
      const cents = line
        .split(",")
        .slice(2)
        .map((v) => Math.round(Number(v) * 100));
      const closing = cents.pop() as number;
      expect(
        cents.reduce((a, b) => a + b, 0),
        line,
      ).toBe(closing);
    }
  });

  it("labels each step of the waterfall with its amount, and starts the axis where the movements show", () => {
    const board = readFileSync(join(site, "board.html"), "utf8");
    const chart = board.slice(board.indexOf('id="board-arr-bridge"'), board.indexOf('id="board-arr-bridge-table"'));
    const screen = chart.slice(0, chart.indexOf('class="print-only"'));
    // Seven steps in each of the last four quarters, each with a label that reads upwards.
    const labels = screen.match(/<text[^>]*rotate\(-90\)[^>]*>[^<]*<\/text>/g) ?? [];
    expect(labels.length).toBe(7 * 4);
    for (const label of labels) expect(label).toMatch(/>[+−]?\$[\d.,]+[KM]?<\/text>$/);
    expect(screen).toContain("axis from $");
  });
});

describe("a waterfall's axis", () => {
  it("spans the levels the bridge passes through, with zero in it only when the book is small beside its movements", () => {
    // 1,000 opening, +100 new, −50 churn, 1,050 closing: levels 1,000 to 1,100, a quarter of that (25) below
    // and 2.4 quarters above, for the labels.
    const steps = (opening: number, moves: number[]) => {
      let level = opening;
      const out = [{ from: 0, to: opening, kind: "ARR" }];
      for (const m of moves) out.push({ from: level, to: (level += m), kind: m >= 0 ? "Added" : "Lost" });
      return [...out, { from: 0, to: level, kind: "ARR" }];
    };
    expect(waterfallDomain(steps(1_000, [100, -50]))).toEqual([975, 1_160]);
    // 100 opening, +100: the span (100) is not small beside the book, so the axis starts at zero.
    expect(waterfallDomain(steps(100, [100]))).toEqual([0, 260]);
  });
});
