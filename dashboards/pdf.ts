import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "../core/errors.ts";
import { escapeHtml } from "./html.ts";

const BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The system Chromium: $BELLWETHER_CHROMIUM, or the first of the usual names on the PATH. */
export function findChromium(): string | undefined {
  const named = process.env.BELLWETHER_CHROMIUM;
  if (named) return existsSync(named) ? named : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of BROWSERS) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export const INSTALL_CHROMIUM =
  "no Chromium found to print the PDF with. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome) or point BELLWETHER_CHROMIUM at its executable, then run the build again.";

/**
 * Prints a page of the site to PDF through the system Chromium (headless), with the page's print
 * stylesheet, on the paper size given. The site is static, so the page is complete once loaded.
 */
export async function printPdf(htmlFile: string, pdfFile: string, paper: "A4" | "Letter"): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new InputError(INSTALL_CHROMIUM);
  const { chromium } = await import("playwright-core");
  // Chromium's sandbox needs user namespaces, which containers running as root rarely have.
  const browser = await chromium.launch({ executablePath, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: "load" });
    // Every printed page says what it is, as of when, and which page of how many.
    const title = await page.title();
    const asOf = ((await page.locator(".as-of").first().textContent()) ?? "").replace(/\s+/g, " ").trim();
    await page.pdf({
      path: pdfFile,
      format: paper,
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: "<span></span>",
      footerTemplate: `<div style="font-size:8pt;color:#555;width:100%;margin:0 12mm;display:flex;justify-content:space-between;font-family:system-ui,sans-serif">
        <span>${escapeHtml(title)} · ${escapeHtml(asOf)}</span>
        <span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
      margin: { top: "12mm", bottom: "16mm", left: "12mm", right: "12mm" },
    });
  } finally {
    await browser.close();
  }
}
