import { formatValue } from "../../core/format.ts";
import type { MetricQuery } from "../../metrics/compile.ts";
import { type MetricRow, query } from "../../metrics/query.ts";
import { html } from "../html.ts";
import { groupedBars, lines } from "../marks.ts";
import type { ChartContext } from "../page.ts";
import { definePage } from "../page.ts";
import { bandBars, bandColours, bandOrder } from "./bands.ts";
import { lastPeriods } from "./periods.ts";

const byBand = (metric: string, label: string) => (rows: MetricRow[], context: ChartContext) => {
  return bandBars(lastPeriods(rows, 8), { y: metric, format: metric === "health_arr" ? "currency" : "count", label }, context);
};

/** Health: the distribution, who is red and why, and whether the score predicted churn. */
export const healthPage = definePage({
  file: "health.html",
  nav: "Health",
  title: "Customer health",
  intro:
    "Each paying account gets a monthly score from 0 to 100: the weighted mean of the scorecard measures it has data for (usage per seat, usage trend, sentiment, support load, relationship, adoption breadth). Bands: red below 40, yellow below 70, green above. The backtest checks the score against what happened next.",
  tiles: { metrics: ["health_score_avg", "risk_weighted_arr", "at_risk_arr", "health_auc"], query: { grain: "quarter" } },
  sections: [
    {
      title: "Distribution",
      blocks: [
        {
          kind: "chart",
          id: "health-accounts-by-band",
          title: "Accounts by health band, last eight quarter ends",
          description: "Stacked bars: paying accounts in each health band at each fiscal quarter end.",
          query: { metrics: ["health_accounts"], by: ["health_band"], grain: "quarter" },
          plot: byBand("health_accounts", "Accounts"),
        },
        {
          kind: "chart",
          id: "health-arr-by-band",
          title: "ARR by health band, last eight quarter ends",
          description: "Stacked bars: ARR of the accounts in each health band at each fiscal quarter end.",
          query: { metrics: ["health_arr"], by: ["health_band"], grain: "quarter" },
          plot: (rows, context) => byBand("health_arr", `ARR (${context.currency})`)(rows, context),
        },
        {
          kind: "chart",
          id: "health-score-by-segment",
          title: "Average health score by segment, each quarter end",
          description: "Lines: mean health score (0–100) of paying accounts per segment at each fiscal quarter end.",
          query: { metrics: ["health_score_avg"], by: ["segment"], grain: "quarter" },
          plot: (rows, context) =>
            lines(rows, { y: "health_score_avg", by: "segment", format: "score", label: "Health score (0–100)" }, context),
        },
      ],
    },
    {
      title: "Red accounts",
      intro: "Accounts in the red band at the last month end, largest first, with the measure that pulls their score down most.",
      blocks: [
        {
          kind: "listing",
          id: "health-red-accounts",
          reads: ["marts.health_scores", "marts.accounts", "marts.account_months"],
          title: "Red accounts and their weakest measures",
          description: "Red accounts at the last month end: owner, ARR, score, weakest measure, measures without data, and next renewal.",
          rows: (db) =>
            db.all(`
              SELECT h.account_id, a.name, am.segment, am.owner_csm, h.arr, h.score, h.weakest_measure, h.weakest_score,
                coalesce(h.missing_measures, '') AS missing_measures, {{ format_time(h.next_renewal_date, '%Y-%m-%d') }} AS next_renewal
              FROM marts.health_scores AS h
              JOIN marts.accounts AS a USING (account_id)
              JOIN marts.account_months AS am USING (account_id, month_index)
              WHERE h.is_red AND h.month_index = (SELECT max(month_index) FROM marts.health_scores)
              ORDER BY h.arr DESC, h.account_id
              LIMIT 50`),
          columns: [
            { name: "account_id", label: "Account", link: "account" },
            { name: "name", label: "Name" },
            { name: "segment", label: "Segment" },
            { name: "owner_csm", label: "Owner", link: "book" },
            { name: "arr", label: "ARR", format: "currency" },
            { name: "score", label: "Score", format: "score" },
            { name: "weakest_measure", label: "Weakest measure" },
            { name: "weakest_score", label: "Its score", format: "score" },
            { name: "missing_measures", label: "No data for" },
            { name: "next_renewal", label: "Next renewal" },
          ],
          empty: "No account is red.",
        },
      ],
    },
    {
      title: "Band movement",
      intro:
        "Where the accounts scored at the last quarter end (or the as-of month) stood a quarter before: each cell is the accounts that went from the row's band to the column's, with their ARR now. Each count links to its accounts.",
      blocks: [
        {
          kind: "content",
          reads: ["marts.health_band_moves", "marts.account_months", "marts.months"],
          render: async (db, config, site) => {
            const request: MetricQuery = {
              metrics: ["band_move_accounts", "band_move_arr"],
              by: ["band_from", "band_to"],
              grain: "quarter",
            };
            const { rows } = await query(db, config, request);
            const last = rows.filter((r) => r.period === rows.at(-1)?.period && Number(r.band_move_accounts) > 0);
            if (last.length === 0) return html`<p class="empty">No account was scored at two quarter ends yet.</p>`;
            const period = String(last[0]?.period);
            const bands = bandOrder(
              last.flatMap((r): MetricRow[] => [{ health_band: r.band_from ?? null }, { health_band: r.band_to ?? null }]),
            );
            const cell = (from: string, to: string) => last.find((r) => r.band_from === from && r.band_to === to);
            const total = last.reduce((s, r) => s + Number(r.band_move_accounts), 0);
            return html`<figure class="block" id="health-band-moves" data-kind="table">
              <figcaption>
                <strong>Accounts by health band a quarter before (rows) and at ${period} (columns)</strong>
                <span>${total} accounts scored at both ends; a cell gives the accounts and their ARR at ${period}.</span>
              </figcaption>
              <div class="table-wrap">
                <table class="matrix">
                  <thead>
                    <tr>
                      <th scope="col">From ↓ · to →</th>
                      ${bands.map((b) => html`<th scope="col" class="num">${b}</th>`)}
                    </tr>
                  </thead>
                  <tbody>
                    ${bands.map(
                      (from) =>
                        html`<tr>
                          <th scope="row">${from}</th>
                          ${bands.map((to) => {
                            const found = cell(from, to);
                            if (!found) return html`<td class="num">—</td>`;
                            const count = formatValue(Number(found.band_move_accounts), "count");
                            const href = site.drill(request, "band_move_accounts", found);
                            const money = formatValue(Number(found.band_move_arr), "currency", {
                              currency: config.reportingCurrency,
                              style: "compact",
                            });
                            return html`<td class="num ${from === to ? "stayed" : ""}">
                              ${href ? html`<a class="drill" href="${href}">${count}</a>` : count}<br /><small>${money}</small>
                            </td>`;
                          })}
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
            </figure>`;
          },
        },
      ],
    },
    {
      title: "Backtest",
      intro: "Snapshots whose next nine months are known: did the account churn or contract in them?",
      blocks: [
        {
          kind: "chart",
          id: "health-churn-by-band",
          title: "Churn-or-contraction rate within nine months, by band and fiscal year",
          description: "Bars: the share of each band's snapshots followed by a churn or contraction within the horizon.",
          query: { metrics: ["health_churn_rate"], by: ["health_band"], grain: "year" },
          plot: (rows, context) => {
            const shown = lastPeriods(rows, 3, "health_churn_rate");
            return {
              ...groupedBars(
                shown,
                { y: "health_churn_rate", by: "health_band", format: "percent", label: "Churned or contracted (%)" },
                context,
              ),
              ...bandColours(shown),
              // Bars in the legend's order: red, yellow, green.
              x: { axis: null, domain: bandOrder(shown) },
            };
          },
        },
        {
          kind: "chart",
          id: "health-auc",
          title: "How well the score ranks churners (AUC), each quarter",
          description:
            "Line: the AUC of the quarter's snapshots against churning or contracting within the horizon, for the last twelve quarters whose horizon has passed; 0.5 (dashed) is a coin toss.",
          query: { metrics: ["health_auc"], grain: "quarter" },
          plot: (rows, context) =>
            lines(
              // The quarters whose outcomes are known: the horizon has not passed for the newest ones.
              lastPeriods(rows, 12, "health_auc").map((r) => ({ ...r, series: "AUC" })),
              { y: "health_auc", by: "series", format: "ratio", label: "AUC", reference: 0.5 },
              context,
            ),
        },
      ],
    },
  ],
});
