import { inlineParameters } from "../../engines/dialect.ts";
import { compileMetricQuery } from "../../metrics/compile.ts";
import { html } from "../html.ts";
import { definePage } from "../page.ts";

/** Line breaks before the main clauses, for reading only (the SQL run is the one-line original). */
const readable = (sql: string) =>
  sql.replace(/ (select|from|inner join|left join|cross join|where|group by|order by) /g, "\n$1 ").replace(/\), "/g, '),\n"');

/** Every metric: what it means, its formula, and the SQL it compiles to. */
export const glossaryPage = definePage({
  file: "glossary.html",
  nav: "Glossary",
  title: "Metric glossary",
  intro:
    "Every metric of the catalog by label, as `bellwether metrics` lists it: label, definition, formula, and the SQL it compiles to (for this warehouse's engine) for a quarterly query of the whole book, with its values written in, to paste into a SQL client and run as printed. Money is in the reporting currency; ratios are fractions.",
  sections: [
    {
      title: "Metrics",
      blocks: [
        {
          kind: "content",
          render: async (db, config) => {
            const { metrics, dimensions } = config.project.catalog;
            // A reader looks a metric up by what the pages call it: by label, the id beside it.
            const sorted = [...metrics.values()].sort((a, b) => a.label.localeCompare(b.label, "en") || a.name.localeCompare(b.name));
            const entries = sorted.map((m) => {
              const compiled = compileMetricQuery(
                { metrics: [m.name], grain: "quarter" },
                // The SQL this warehouse's engine runs.
                { catalog: config.project.catalog, defaultWindow: config.retentionWindowMonths, dialect: db.dialect },
              );
              return html`<article class="metric" id="metric-${m.name}">
                <h3>${m.label} <code>${m.name}</code></h3>
                <p>${m.description}</p>
                <dl>
                  <dt>Formula</dt>
                  <dd><code>${m.formula}</code></dd>
                  <dt>Format</dt>
                  <dd>${m.format}${m.better === "lower" ? " · lower is better" : ""}</dd>
                  <dt>Type</dt>
                  <dd>${m.type.replaceAll("_", " ")}</dd>
                </dl>
                <details>
                  <summary>Compiled SQL</summary>
                  <pre><code>${readable(inlineParameters(compiled.sql, compiled.parameters, db.dialect))}</code></pre>
                </details>
              </article>`;
            });
            const dims = [...dimensions.values()].map(
              (d) =>
                html`<dt><code>${d.name}</code> — ${d.label}</dt>
                  <dd>${d.description}</dd>`,
            );
            return html`<nav class="toc" aria-label="Metrics">${sorted.map((m) => html`<a href="#metric-${m.name}">${m.label}</a>`)}</nav>
              ${entries}
              <h2>Dimensions</h2>
              <dl class="dimensions">${dims}</dl>`;
          },
        },
      ],
    },
  ],
});
