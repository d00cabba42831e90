import { lines, metricSeries, stackedBars } from "../marks.ts";
import { definePage } from "../page.ts";
import { bandBars } from "./bands.ts";
import { lastPeriods } from "./periods.ts";

/** Renewals and the retention forecast: what is up, what we kept, why we lost, what we expect to keep. */
export const renewalsPage = definePage({
  file: "renewals.html",
  nav: "Renewals",
  title: "Renewals and forecast",
  intro:
    "A renewal is due when a term of a line billed every three months or more ends; its outcome is the account's ARR 30 days after (config renewals.graceDays). Monthly lines are month-to-month ARR and never due. The forecast weights each renewal by the share of ARR its account's health band and segment went on to lose in the backtest, and is itself backtested: remade at every past quarter end from the data before it.",
  tiles: {
    metrics: ["gross_renewal_rate", "net_renewal_rate", "risk_weighted_arr", "forecast_grr_error", "month_to_month_arr"],
    query: { grain: "quarter" },
  },
  sections: [
    {
      title: "Up for renewal",
      blocks: [
        {
          kind: "chart",
          id: "renewals-arr-due-by-band",
          title: "ARR due for renewal by health band, last four quarters and the next four",
          description:
            "Stacked bars: the ARR due in each fiscal quarter, by the account's health band at the last month end before it was due (the as-of month for those to come).",
          query: { metrics: ["renewal_arr_due"], by: ["health_band"], grain: "quarter" },
          plot: (rows, context) =>
            bandBars(lastPeriods(rows, 8), { y: "renewal_arr_due", format: "currency", label: `ARR due (${context.currency})` }, context),
        },
      ],
    },
    {
      title: "What we kept",
      blocks: [
        {
          kind: "chart",
          id: "renewals-rates",
          title: "Renewal rates and the forecast, by fiscal quarter",
          description:
            "Lines: gross and net renewal rates of the renewals due each quarter whose outcome is known, and the GRR forecast for them at the quarter end before (the next four quarters: the forecast made at the as-of date). The dashed line is 100%.",
          query: { metrics: ["gross_renewal_rate", "net_renewal_rate", "forecast_grr"], grain: "quarter" },
          plot: (rows, context) =>
            lines(
              metricSeries(lastPeriods(rows, 12), ["gross_renewal_rate", "net_renewal_rate", "forecast_grr"], context),
              { y: "value", by: "series", format: "percent", label: "Renewal rate (%)", reference: 1 },
              context,
            ),
        },
        {
          kind: "metric_table",
          id: "renewals-by-segment",
          title: "Renewals by segment, last four quarters",
          description: "ARR due, gross and net renewal rates by segment for each of the last four fiscal quarters with known outcomes.",
          query: { metrics: ["renewal_arr_due_known", "gross_renewal_rate", "net_renewal_rate"], by: ["segment"], grain: "quarter" },
          last: 4,
        },
      ],
    },
    {
      title: "Why we lost",
      intro:
        "Each churn and contraction takes the loss reason of the lost or contracted renewal opportunity nearest its month; with none within three months it is unknown. Categories come from the config (renewals.reasonCategories).",
      blocks: [
        {
          kind: "chart",
          id: "renewals-lost-by-reason",
          title: "ARR lost to churn and contraction by reason, by fiscal year",
          description: "Stacked bars below zero: ARR lost in each fiscal year, by the reason of the loss.",
          query: { metrics: ["churned_arr_by_reason"], by: ["churn_reason"], grain: "year" },
          plot: (rows, context) =>
            stackedBars(
              lastPeriods(rows, 3),
              { y: "churned_arr_by_reason", by: "churn_reason", format: "currency", label: `ARR lost (${context.currency})` },
              context,
            ),
        },
        {
          kind: "metric_table",
          id: "renewals-lost-by-category",
          title: "ARR lost by category, last two fiscal years",
          description: "ARR lost to churn and contraction, by the category of its reason.",
          query: { metrics: ["churned_arr_by_reason"], by: ["churn_category"], grain: "year" },
          last: 2,
        },
      ],
    },
    {
      title: "Forecast",
      intro:
        "Expected loss = ARR due × p_loss, the share of ARR that accounts of the same health band and segment lost within the backtest's horizon (a cell of fewer than forecast.minAccounts accounts takes its band's rate). The error is how far the forecasts made at past quarter ends were from what happened, in percentage points.",
      blocks: [
        {
          kind: "metric_table",
          id: "renewals-forecast",
          title: "Forecast for the next four quarters",
          description:
            "ARR due, the ARR expected to be lost and the forecast gross renewal rate for each of the next four fiscal quarters.",
          query: { metrics: ["forecast_arr_due", "forecast_lost_arr", "forecast_grr"], grain: "quarter" },
          last: 4,
        },
        {
          kind: "metric_table",
          id: "renewals-forecast-error",
          title: "How far past forecasts were off, by quarters ahead",
          description:
            "Mean absolute error of the GRR forecast, in points, over every past quarter whose outcomes are known, by how many quarters ahead it was made.",
          query: { metrics: ["forecast_grr_error"], by: ["forecast_horizon"], grain: "quarter" },
          last: 1,
        },
        {
          kind: "metric_table",
          id: "renewals-loss-rates",
          title: "Loss rates by health band and segment, last quarter end",
          description: "p_loss: the share of ARR lost within the backtest's horizon after snapshots in each band and segment.",
          query: { metrics: ["p_loss", "health_accounts"], by: ["health_band", "segment"], grain: "quarter" },
          last: 1,
        },
      ],
    },
    {
      title: "Due in the next 90 days",
      blocks: [
        {
          kind: "listing",
          id: "renewals-next-90-days",
          reads: [
            "marts.renewals",
            "marts.renewal_forecasts",
            "marts.accounts",
            "marts.account_months",
            "marts.health_scores",
            "marts.as_of",
          ],
          title: "Renewals due in the next 90 days",
          description:
            "Each renewal due after the as-of date and within 90 days of it, soonest first: owner, health band and weakest measure at the as-of month, ARR due and the forecast's expected loss.",
          rows: (db) =>
            db.all(`
              SELECT {{ format_time(r.due_date, '%Y-%m-%d') }} AS due_date, r.account_id, a.name, am.owner_csm, am.segment,
                coalesce(h.health_band, 'unscored') AS health_band, h.weakest_measure,
                {{ float(r.arr_due) }} AS arr_due, {{ float(f.expected_lost_arr) }} AS expected_lost_arr
              FROM marts.renewals AS r
              CROSS JOIN marts.as_of AS x
              JOIN marts.accounts AS a ON a.account_id = r.account_id
              LEFT JOIN marts.account_months AS am ON am.account_id = r.account_id AND am.month_index = r.basis_month_index
              LEFT JOIN marts.health_scores AS h ON h.account_id = r.account_id AND h.month_index = r.basis_month_index
              LEFT JOIN marts.renewal_forecasts AS f ON f.account_id = r.account_id AND f.due_date = r.due_date AND f.is_latest
              WHERE r.due_date > x.as_of AND r.due_date <= {{ add_days(x.as_of, 90) }}
              ORDER BY r.due_date, r.arr_due DESC, r.account_id`),
          columns: [
            { name: "due_date", label: "Due" },
            { name: "account_id", label: "Account", link: "account" },
            { name: "name", label: "Name" },
            { name: "owner_csm", label: "Owner", link: "book" },
            { name: "segment", label: "Segment" },
            { name: "health_band", label: "Band" },
            { name: "weakest_measure", label: "Weakest measure" },
            { name: "arr_due", label: "ARR due", format: "currency" },
            { name: "expected_lost_arr", label: "Expected loss", format: "currency" },
          ],
          empty: "No renewal is due in the next 90 days.",
        },
      ],
    },
  ],
});
