import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatValue } from "../core/format.ts";
import { html, raw } from "../dashboards/html.ts";
import { definePage } from "../dashboards/page.ts";
import { pages } from "../dashboards/pages/index.ts";
import { renderSite } from "../dashboards/render.ts";
import { catalog } from "../metrics/catalog.ts";
import type { MetricQuery } from "../metrics/compile.ts";
import { buildFixture, FIXTURES } from "./helpers.ts";

let fixture: Awaited<ReturnType<typeof buildFixture>>;
let site: string;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "retention"), { asOf: "2024-12-31" });
  site = join(fixture.dir, "site");
  await renderSite(fixture.db, fixture.config, site);
});
afterAll(() => fixture?.cleanup());

describe("the rendered site", () => {
  it("writes index.html, one stylesheet and a CSV behind every chart, with no server needed", () => {
    expect(readdirSync(site).sort()).toEqual(["data", "index.html", "style.css"]);
    expect(readdirSync(join(site, "data")).sort()).toEqual(["arr-by-segment.csv", "grr-by-segment.csv", "nrr-by-segment.csv"]);
    const page = readFileSync(join(site, "index.html"), "utf8");
    // Only relative links: it opens from file://.
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("shows the headline numbers of the fixture as people read them", () => {
    const page = readFileSync(join(site, "index.html"), "utf8");
    // ARR at 2024-12-31 = 52,080; NRR 22,080 / 32,400; GRR 16,080 / 32,400; logo churn 1 / 4 (test/retention.test.ts).
    expect(page).toContain('<div class="value">$52.1K</div>');
    expect(page).toContain('<div class="value">68.1%</div>');
    expect(page).toContain('<div class="value">49.6%</div>');
    expect(page).toContain('<div class="value">25.0%</div>');
    expect(page).toContain("As of 2024-12-31 (FY2024 Q4)");
    // Prior quarter (2024-09-30): the 12-month base is A4 alone, gone by then: NRR 0, logo churn 100%.
    // Both moves are good news, one up and one down: a metric says which way is better.
    expect(page).toContain('<div class="change up">+68.1 pts vs prior quarter</div>');
    expect(page).toContain('<div class="change up">−75.0 pts vs prior quarter</div>');
  });

  it("draws each chart as inline SVG with a label, a description and native tooltips", () => {
    const page = readFileSync(join(site, "index.html"), "utf8");
    expect(page.match(/<svg[^>]*class="plot-/g)?.length).toBe(3);
    expect(page).toContain('aria-label="ARR by segment at each quarter end"');
    expect(page).toContain('aria-label="Net revenue retention by segment, trailing 12 months"');
    expect(page).toContain("<title>SMB · FY2024 Q4\n$22,080</title>");
    expect(page).toContain('href="data/arr-by-segment.csv" download');
  });

  it("puts the chart's rows in its CSV, unformatted", () => {
    const csv = readFileSync(join(site, "data", "arr-by-segment.csv"), "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).toBe("period,segment,arr");
    expect(csv.slice(-3)).toEqual(["2024-12-31,Enterprise,24000", "2024-12-31,Mid-Market,6000", "2024-12-31,SMB,22080"]);
  });

  it("declares only pages whose charts and tiles name metrics and dimensions that exist", () => {
    const { metrics, dimensions } = catalog();
    for (const page of pages) {
      const tiles: MetricQuery[] = page.tiles ? [{ ...page.tiles.query, metrics: page.tiles.metrics }] : [];
      for (const q of [...page.charts.map((c) => c.query), ...tiles]) {
        for (const m of q.metrics) expect(metrics.has(m), m).toBe(true);
        for (const d of q.by ?? []) expect(dimensions.has(d), d).toBe(true);
      }
    }
  });

  it("leaves the previous site as it was when a render fails", async () => {
    const before = readFileSync(join(site, "index.html"), "utf8");
    const broken = definePage({
      file: "index.html",
      title: "Broken",
      intro: "",
      charts: [{ id: "x", title: "x", description: "x", query: { metrics: ["no_such_metric"] }, plot: () => ({}) }],
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
  ] as const)("formats %s as %s (%s) → %s", (value, format, style, expected) => {
    expect(formatValue(value, format, { currency: "USD", style })).toBe(expected);
  });
});
