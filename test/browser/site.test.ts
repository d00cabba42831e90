/// <reference lib="dom" />
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../dashboards/pdf.ts";
import { pages } from "../../dashboards/pages/index.ts";
import { cli, ROOT, tempDir } from "../helpers.ts";

/*
 * The sample book with hostile text in it: every account is named like an injected image tag, and
 * one industry holds markup. Built by the real CLI, opened from file:// in headless Chromium.
 */
const HOSTILE_NAME = "<img src=x onerror=alert(1)>";
const HOSTILE_INDUSTRY = 'Retail <b onmouseover="alert(2)">&amp;</b>';
const ARTIFACTS = join(ROOT, "test-artifacts", "screenshots");

let browser: Browser;
let site: string;
const work = tempDir("bellwether-browser-");

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("the browser suite needs Chromium: sudo apt-get install chromium (or set BELLWETHER_CHROMIUM)");
  const sources = join(work.dir, "sources");
  const sample = cli(["sample", "--out", sources, "--quiet"], work.dir);
  if (sample.status !== 0) throw new Error(sample.stderr);
  const accounts = readFileSync(join(sources, "crm_accounts.csv"), "utf8").split("\n");
  const header = accounts[0]?.split(",") ?? [];
  const nameAt = header.indexOf("name");
  const industryAt = header.indexOf("industry");
  // Sample names and industries hold no commas or quotes, so the fields split plainly.
  const hostile = accounts.map((line, i) => {
    if (i === 0 || !line) return line;
    const fields = line.split(",");
    fields[nameAt] = HOSTILE_NAME;
    if (fields[industryAt] === "Retail") fields[industryAt] = `"${HOSTILE_INDUSTRY.replaceAll('"', '""')}"`;
    return fields.join(",");
  });
  writeFileSync(join(sources, "crm_accounts.csv"), hostile.join("\n"));
  site = join(work.dir, "site");
  const build = cli(
    ["build", "--sources", sources, "--site", site, "--warehouse", join(work.dir, "warehouse.duckdb"), "--pdf", "--quiet"],
    work.dir,
  );
  if (build.status !== 0) throw new Error(build.stderr);
  browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  work.cleanup();
});

interface Visit {
  page: Page;
  errors: string[];
  failed: string[];
  dialogs: string[];
}

async function open(file: string): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const visit: Visit = { page, errors: [], failed: [], dialogs: [] };
  page.on("console", (message) => {
    if (message.type() === "error") visit.errors.push(message.text());
  });
  page.on("pageerror", (error) => visit.errors.push(error.message));
  page.on("requestfailed", (request) => visit.failed.push(request.url()));
  page.on("dialog", async (dialog) => {
    visit.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await page.goto(pathToFileURL(join(site, file)).href, { waitUntil: "load" });
  return visit;
}

describe("every page, opened from file:// in Chromium", () => {
  for (const spec of pages) {
    it(`${spec.file}: renders with no console error, failed request or script from the data`, async () => {
      const { page, errors, failed, dialogs } = await open(spec.file);
      try {
        await page.screenshot({ path: join(ARTIFACTS, spec.file.replace(".html", ".png")), fullPage: true });
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        expect(dialogs).toEqual([]);
        expect(await page.locator("h1").textContent()).toBe(spec.title);
        // No element was made from the data: the hostile names are text.
        expect(await page.locator("img, b[onmouseover]").count()).toBe(0);
        // Every chart has an SVG with marks (bars, lines, dots, cells or bins), not just axes.
        const charts = page.locator('figure.block[data-kind="chart"]');
        for (let i = 0; i < (await charts.count()); i++) {
          const chart = charts.nth(i);
          const id = await chart.getAttribute("id");
          const marks = await chart
            .locator(
              'svg g[aria-label="bar"] rect, svg g[aria-label="line"] path, svg g[aria-label="dot"] circle, svg g[aria-label="cell"] rect, svg g[aria-label="rect"] rect',
            )
            .count();
          expect(marks, `${spec.file}#${id} has marks`).toBeGreaterThan(0);
          expect(await chart.locator("svg[aria-label]").count(), `${spec.file}#${id} is labelled`).toBeGreaterThan(0);
        }
      } finally {
        await page.close();
      }
    });
  }

  it("fits 1280 px: no element wider than the window, no table wider than its frame", async () => {
    for (const spec of pages) {
      const { page } = await open(spec.file);
      try {
        await page.setViewportSize({ width: 1280, height: 900 });
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const wide = Array.from(document.querySelectorAll("body *"))
            .filter((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > width + 1)
            .map((e) => e.tagName);
          const tables = Array.from(document.querySelectorAll(".table-wrap"))
            .filter((w) => w.scrollWidth > w.clientWidth + 1)
            .map((w) => w.closest("figure, .sortable")?.id ?? "a table");
          return [...wide, ...tables];
        });
        expect(overflow, spec.file).toEqual([]);
      } finally {
        await page.close();
      }
    }
  });

  it("shows the hostile account names as text", async () => {
    const { page } = await open("health.html");
    try {
      const cells = page.locator("#health-red-accounts td", { hasText: HOSTILE_NAME });
      expect(await cells.count()).toBeGreaterThan(0);
      expect(await cells.first().textContent()).toBe(HOSTILE_NAME);
    } finally {
      await page.close();
    }
    const icp = await open("icp.html");
    try {
      expect(await icp.page.locator("td", { hasText: `industry: ${HOSTILE_INDUSTRY}` }).count()).toBe(1);
    } finally {
      await icp.page.close();
    }
  });

  it("resolves every link between pages, to downloads and to anchors", async () => {
    for (const spec of pages) {
      const { page } = await open(spec.file);
      try {
        const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
        expect(links.length).toBeGreaterThan(0);
        for (const href of links) {
          expect(href, `${spec.file} links off the site`).not.toMatch(/^[a-z]+:/i);
          // A figure's link to its accounts carries its question after "?": the file is what must exist.
          const [file, anchor] = href.split("#");
          const path = file?.split("?")[0];
          const target = path ? resolve(site, path) : join(site, spec.file);
          expect(existsSync(target), `${spec.file} → ${href}`).toBe(true);
          if (anchor) {
            const html = readFileSync(target, "utf8");
            expect(html.includes(`id="${anchor}"`), `${spec.file} → ${href}`).toBe(true);
          }
        }
      } finally {
        await page.close();
      }
    }
  });
});

describe("the accounts behind a figure", () => {
  it("follows the board's ARR and NRR tiles to their accounts, which add up to the figures", async () => {
    const warehouse = join(work.dir, "warehouse.duckdb");
    const answer = cli(["query", "arr,nrr", "--grain", "quarter", "--format", "json", "--warehouse", warehouse], work.dir);
    const last = (JSON.parse(answer.stdout) as Record<string, number>[]).at(-1) as Record<string, number>;
    for (const [metric, check] of [
      ["arr", (total: number) => expect(total).toBeCloseTo(last.arr as number, 2)],
      ["nrr", (quotient: number) => expect(quotient).toBeCloseTo(last.nrr as number, 12)],
    ] as const) {
      const { page, errors, failed } = await open("board.html");
      try {
        const tile = page.locator(`.tile a.drill[href*="m=${metric}&"]`).first();
        const shown = (await tile.textContent())?.trim();
        await tile.click();
        await page.waitForSelector("#drill-accounts tbody tr");
        await page.screenshot({ path: join(ARTIFACTS, `drill-${metric}.png`), fullPage: false });
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        // Each column of the list adds up to its total row, and the totals give the figure.
        const sums = await page.evaluate(() => {
          const rows = Array.from(document.querySelectorAll("#drill-accounts tbody tr"));
          const columns = rows[0]?.querySelectorAll("td[data-value]").length ?? 0;
          return Array.from({ length: columns }, (_, k) =>
            rows.reduce((s, tr) => s + Number(tr.querySelectorAll("td[data-value]")[k]?.getAttribute("data-value") || 0), 0),
          );
        });
        const summary = (await page.locator(".drill-summary").textContent()) ?? "";
        if (metric === "arr") {
          check(sums[0] as number);
          expect(summary).toMatch(/^\d+ accounts add up to \$[\d,]+\.\d{2}\.$/);
        } else {
          check((sums[0] as number) / (sums[1] as number));
          // The list's quotient is the figure on the tile, as the tile shows it.
          expect(summary.endsWith(`= ${shown}.`)).toBe(true);
        }
        // An account's name is a link to its page, and the page exists.
        const href = await page.locator("#drill-accounts tbody a").first().getAttribute("href");
        expect(existsSync(join(site, href ?? "missing"))).toBe(true);
      } finally {
        await page.close();
      }
    }
  });
});

describe("accounts, books and their pages", () => {
  it("filters the accounts table by status, band, segment and owner, searches names and ids only, and sorts", async () => {
    const { page, errors } = await open("accounts.html");
    try {
      const rows = page.locator("#accounts tbody tr");
      const total = await rows.count();
      expect(total).toBeGreaterThan(100);
      const visible = () => page.locator("#accounts tbody tr:not([hidden])");
      const column = async (n: number) => visible().locator(`td:nth-child(${n})`).allTextContents();
      // Churned accounts are out until asked for: every row shown is paying (or never paid).
      const statuses = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLTableRowElement).cells[5]?.getAttribute("data-value")));
      const churned = statuses.filter((s) => s === "churned").length;
      expect(churned).toBeGreaterThan(0);
      expect(await visible().count()).toBe(total - churned);
      expect(new Set(await column(6)).has("churned")).toBe(false);
      expect(await page.locator("#accounts .shown").textContent()).toBe(`${total - churned} of ${total}`);
      // Red accounts are a band, chosen from its list: exactly the red ones.
      await page.selectOption('#accounts select[data-column="7"]', "red");
      const red = await visible().count();
      expect(red).toBeGreaterThan(0);
      expect(new Set(await column(8))).toEqual(new Set(["red"]));
      await page.selectOption('#accounts select[data-column="7"]', "");
      await page.selectOption('#accounts select[data-column="5"]', "");
      expect(await visible().count()).toBe(total);
      await page.selectOption('#accounts select[data-column="2"]', "Enterprise");
      expect(new Set(await column(3))).toEqual(new Set(["Enterprise"]));
      await page.selectOption('#accounts select[data-column="2"]', "");
      // The text box reads names and ids only: a segment's name typed there matches no account.
      await page.fill("#accounts input[type=search]", "Enterprise");
      expect(await visible().count()).toBe(0);
      const firstId = (await rows.first().locator("td").first().textContent()) ?? "";
      await page.fill("#accounts input[type=search]", firstId);
      expect(await column(1)).toContain(firstId);
      await page.fill("#accounts input[type=search]", "");
      // ARR, largest first on the second click (ascending on the first).
      const arrHeader = page.locator("#accounts th", { hasText: /^ARR$/ }).locator("button");
      await arrHeader.click();
      await arrHeader.click();
      expect(await page.locator("#accounts th", { hasText: /^ARR$/ }).getAttribute("aria-sort")).toBe("descending");
      const values = (
        await rows.evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLTableRowElement).cells[6]?.getAttribute("data-value"))))
      ).slice(0, 20);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      // Score, lowest first: accounts with no score come last, not first.
      await page.locator("#accounts th", { hasText: "Score" }).locator("button").click();
      const scores = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLTableRowElement).cells[8]?.getAttribute("data-value")));
      const firstEmpty = scores.indexOf("");
      expect(scores[0]).not.toBe("");
      if (firstEmpty >= 0) expect(scores.slice(firstEmpty).every((v) => v === "")).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("links every list that names an account to its page, and every account page back, all resolving", async () => {
    const linked = new Set<string>();
    for (const file of ["health.html", "renewals.html", "accounts.html", "books.html"]) {
      const { page } = await open(file);
      try {
        const hrefs = await page
          .locator("a[href^='accounts/'], a[href^='books/']")
          .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
        expect(hrefs.length, `${file} links to account or book pages`).toBeGreaterThan(0);
        for (const href of hrefs) {
          expect(existsSync(resolve(site, href)), `${file} → ${href}`).toBe(true);
          linked.add(href);
        }
      } finally {
        await page.close();
      }
    }
    // A few account and book pages, opened: no error, and every link of theirs resolves (they sit a folder down).
    const sample = [...linked]
      .filter((h) => h.startsWith("accounts/"))
      .slice(0, 3)
      .concat([...linked].filter((h) => h.startsWith("books/")).slice(0, 2));
    for (const href of sample) {
      const { page, errors, failed } = await open(href);
      try {
        expect(errors).toEqual([]);
        expect(failed).toEqual([]);
        expect(await page.locator("h1").textContent()).not.toBe("");
        const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
        for (const link of links) expect(existsSync(resolve(site, href, "..", link.split("#")[0] ?? "")), `${href} → ${link}`).toBe(true);
      } finally {
        await page.close();
      }
    }
  });
});

describe("renewals.html", () => {
  it("lists the renewals due in the next 90 days, soonest first, and forecasts the next four quarters", async () => {
    const { page } = await open("renewals.html");
    try {
      const asOf = /\d{4}-\d{2}-\d{2}/.exec((await page.locator(".as-of").textContent()) ?? "")?.[0] ?? "";
      const in90 = new Date(Date.parse(`${asOf}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
      const rows = page.locator("#renewals-next-90-days tbody tr");
      const dues = await rows.locator("td:nth-child(1)").allTextContents();
      expect(dues.length).toBeGreaterThan(0);
      expect(dues).toEqual([...dues].sort());
      for (const due of dues) expect(due > asOf && due <= in90, `${due} after ${asOf}, by ${in90}`).toBe(true);
      // Names come from the data: shown as text.
      expect(await rows.first().locator("td:nth-child(3)").textContent()).toBe(HOSTILE_NAME);
      const quarters = await page.locator("#renewals-forecast tbody tr td:first-child").allTextContents();
      expect(quarters).toHaveLength(4);
      expect(new Set(quarters).size).toBe(4);
      // The rates chart draws the forecast beside what happened.
      const legend = await page.locator("#renewals-rates").textContent();
      for (const series of ["Gross renewal rate", "Net renewal rate", "Forecast GRR"]) expect(legend).toContain(series);
    } finally {
      await page.close();
    }
  });
});

describe("the board report in print", () => {
  // Printable height at 12 mm margins, in CSS pixels (96 per inch): a chart taller than this would split.
  const printable = { A4: ((297 - 24) / 25.4) * 96, Letter: ((279.4 - 24) / 25.4) * 96 };

  it("keeps every chart, table and the tiles whole on A4 and Letter pages", async () => {
    const { page } = await open("board.html");
    try {
      await page.emulateMedia({ media: "print" });
      for (const [paper, height] of Object.entries(printable)) {
        // Page width less margins, as the printer lays it out.
        const width = paper === "A4" ? ((210 - 24) / 25.4) * 96 : ((215.9 - 24) / 25.4) * 96;
        await page.setViewportSize({ width: Math.floor(width), height: 1000 });
        const blocks = await page.locator("figure.block, section.tiles").evaluateAll((elements) =>
          elements.map((e) => ({
            id: e.id || e.className,
            breakInside: getComputedStyle(e).breakInside,
            height: e.getBoundingClientRect().height,
          })),
        );
        expect(blocks.length).toBeGreaterThan(4);
        for (const block of blocks) {
          expect(block.breakInside, `${paper} ${block.id}`).toBe("avoid");
          expect(block.height, `${paper} ${block.id} fits a page`).toBeLessThan(height);
        }
        // Every chart prints its ticks and labels at 8 pt or more: the charts drawn at print size, 1:1.
        const smallest = await page.evaluate(() => {
          const shown = Array.from(document.querySelectorAll("figure.block svg")).filter((svg) => svg.getBoundingClientRect().width > 0);
          return Math.min(
            ...shown.flatMap((svg) => {
              const scale =
                svg.getBoundingClientRect().width / ((svg as SVGSVGElement).viewBox.baseVal?.width || svg.getBoundingClientRect().width);
              return Array.from(svg.querySelectorAll("text")).map((t) => parseFloat(getComputedStyle(t).fontSize) * scale * 0.75);
            }),
          );
        });
        expect(smallest, `${paper}: smallest chart text in points`).toBeGreaterThanOrEqual(8);
        // What prints: no download links, no navigation, no half sentence where a link was.
        const printed = await page.evaluate(() => document.body.innerText);
        expect(printed).not.toMatch(/\bCSV\b|\bParquet\b/);
        expect(printed).not.toContain("see the .");
        expect(printed).toContain("Every number comes from a named metric of the catalog.");
        const pdf = await page.pdf({ format: paper, margin: { top: "12mm", bottom: "12mm", left: "12mm", right: "12mm" } });
        writeFileSync(join(ARTIFACTS, `board-${paper}.pdf`), pdf);
        expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      }
    } finally {
      await page.close();
    }
  });

  it("was printed to PDF by bellwether build --pdf, with page numbers and the as-of date, and no download links", () => {
    const file = join(site, "board.pdf");
    const pdf = readFileSync(file);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(10_000);
    // Poppler (Debian's poppler-utils, which .ci/run installs) reads the PDF as a reader would, and draws
    // its pages for the visual review (test-artifacts/screenshots/board-pdf-N.png).
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    const pages = text.split("\f").filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page, `page ${i + 1}`).toMatch(/as of \d{4}-\d{2}-\d{2}/i);
    });
    expect(text).not.toMatch(/\bCSV\b|\bParquet\b/);
    expect(text).toMatch(/Paying customers|Customers/);
    // The bridge in the PDF: its table, and a value on each step of the waterfall (read upwards, so
    // pdftotext gives them as text too), with the axis's start said.
    expect(text).toContain("ARR bridge, last four quarters, as a table");
    expect(text).toMatch(/Opening ARR\s+New ARR/);
    expect(text).toContain("axis from $");
    // No target the config did not set is judged in the pack (the sample sets none).
    expect(text).not.toMatch(/Target .*(not met|met|within|outside)/);
    execFileSync("pdftoppm", ["-png", "-r", "60", file, join(ARTIFACTS, "board-pdf")]);
    expect(readdirSync(ARTIFACTS).filter((f) => f.startsWith("board-pdf")).length).toBe(pages.length);
  });
});
