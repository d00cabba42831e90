import { type Declared, joinByName, ownFile } from "../../core/declared.ts";
import { html } from "../html.ts";
import { definePage, type PageSpec } from "../page.ts";
import { accountsPage } from "./accounts.ts";
import { boardPage } from "./board.ts";
import { booksPage } from "./books.ts";
import { cohortsPage } from "./cohorts.ts";
import { costPage } from "./cost.ts";
import { glossaryPage } from "./glossary.ts";
import { healthPage } from "./health.ts";
import { icpPage } from "./icp.ts";
import { indicatorsPage } from "./indicators.ts";
import { qualityPage } from "./quality.ts";
import { renewalsPage } from "./renewals.ts";
import { ttvPage } from "./ttv.ts";

const reports: PageSpec[] = [
  boardPage,
  costPage,
  cohortsPage,
  ttvPage,
  healthPage,
  renewalsPage,
  indicatorsPage,
  accountsPage,
  booksPage,
  icpPage,
  qualityPage,
  glossaryPage,
];

/** The way in: the headline numbers and a card per report. */
export const indexPage = definePage({
  file: "index.html",
  nav: "Overview",
  title: "Retention overview",
  intro: "Headline numbers at the last fiscal quarter end, trailing twelve months, and the reports behind them.",
  tiles: { metrics: ["arr", "nrr", "grr", "logo_churn"], query: { grain: "quarter", window: 12 } },
  sections: [
    {
      title: "Reports",
      blocks: [
        {
          kind: "content",
          render: async (_db, config) =>
            html`<ul class="cards">
              ${config.project.pages
                .filter((p) => p.file !== "index.html")
                .map(
                  (p) =>
                    html`<li>
                      <a href="${p.file}"><strong>${p.title}</strong><span>${p.intro}</span></a>
                    </li>`,
                )}
            </ul>`,
        },
      ],
    },
  ],
});

/** Every page Bellwether ships, in navigation order. */
export const pages: PageSpec[] = [indexPage, ...reports];

/** The site's pages: the built-in ones with a project's joined by file name (after them in the navigation). */
export function sitePages(own?: { root: string; pages: readonly Declared<PageSpec>[] }): PageSpec[] {
  if (!own) return pages;
  return joinByName(pages, own.pages, {
    kind: "page",
    nameOf: (p) => ("value" in p ? p.value.file : p.file),
    builtInFile: (p) => `bellwether/dashboards/pages (${p.file})`,
    ownFile: (p) => ownFile(own.root, p.file),
    replaces: (p) => p.replaces,
  }).map((p) => ("value" in p ? p.value : p));
}
