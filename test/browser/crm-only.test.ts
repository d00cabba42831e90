/// <reference lib="dom" />
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../dashboards/pdf.ts";
import { pages } from "../../dashboards/pages/index.ts";
import { cli, tempDir } from "../helpers.ts";

// Issue 13: a team with only its CRM export (accounts and subscriptions) opens every page in Chromium.
let browser: Browser;
const work = tempDir("bellwether-crm-browser-");
const site = join(work.dir, "site");

beforeAll(async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("the browser suite needs Chromium: sudo apt-get install chromium (or set BELLWETHER_CHROMIUM)");
  const exports = join(work.dir, "exports");
  mkdirSync(exports);
  writeFileSync(join(exports, "crm_accounts.csv"), "account_id,name,employee_count\nA1,One,10\nA2,Two,400\nA3,Three,3000\n");
  writeFileSync(
    join(exports, "crm_subscriptions.csv"),
    "subscription_id,account_id,start_date,end_date,amount,interval_months\nS1,A1,2024-01-01,,100,1\nS2,A2,2024-02-01,2024-06-01,500,1\nS3,A3,2024-03-01,,12000,12\n",
  );
  const built = cli(["build", "--sources", exports, "--site", site, "--quiet"], work.dir);
  if (built.status !== 0) throw new Error(built.stderr);
  browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
});
afterAll(async () => {
  await browser?.close();
  work.cleanup();
});

describe("the site of a CRM-only book", () => {
  it("opens every page with no console error and every link, download and anchor resolving", async () => {
    for (const spec of pages) {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      try {
        await page.goto(pathToFileURL(join(site, spec.file)).href, { waitUntil: "load" });
        expect(errors, spec.file).toEqual([]);
        expect(await page.locator("h1").textContent()).toBe(spec.title);
        const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
        for (const href of hrefs) {
          // A figure's link to its accounts carries its question after "?": the file is what must exist.
          const [file, anchor] = href.split("#");
          const path = file?.split("?")[0];
          if (path) expect(existsSync(join(site, path)), `${spec.file} → ${href}`).toBe(true);
          if (anchor && !path) expect(await page.locator(`[id="${anchor}"]`).count(), `${spec.file} → #${anchor}`).toBe(1);
        }
      } finally {
        await page.close();
      }
    }
  });

  it("says on the health page that there is no usage or ticket data, and scores nobody", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(pathToFileURL(join(site, "health.html")).href);
      const notices = (await page.locator("p.notice").allTextContents()).map((t) => t.replace(/\s+/g, " "));
      expect(notices.some((n) => n.startsWith("No usage_events export has been landed"))).toBe(true);
      expect(notices.some((n) => n.startsWith("No support_tickets export has been landed"))).toBe(true);
      expect(await page.locator("text=100.000000").count()).toBe(0);
      // Nobody is scored, so no loss rate is known and risk-weighted ARR is unknown: said in words, never
      // drawn or shown as $0.
      await page.goto(pathToFileURL(join(site, "board.html")).href);
      const atRisk = page.locator("#board-at-risk-arr");
      expect(await atRisk.locator("svg").count()).toBe(0);
      expect(await atRisk.textContent()).toContain("No data for this yet.");
      expect(await atRisk.textContent()).not.toContain("$0");
    } finally {
      await page.close();
    }
  });
});
