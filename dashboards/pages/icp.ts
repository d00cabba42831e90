import { icpFit } from "../../metrics/icp.ts";
import { intervals } from "../marks.ts";
import { definePage } from "../page.ts";

/** ICP fit: which profiles retain and expand, with how much to trust each. */
export const icpPage = definePage({
  file: "icp.html",
  nav: "ICP fit",
  title: "Ideal customer profile fit",
  intro:
    "For each industry, employee band, region, acquisition channel and plan: the accounts that had that profile twelve months before the last month end, how they retained, and lift = their NRR over the whole book's. Groups smaller than the config's minimum are flagged; read them as anecdotes.",
  sections: [
    {
      title: "Lift by profile",
      blocks: [
        {
          kind: "listing",
          id: "icp-fit",
          reads: ["marts.months", "marts.account_months", "marts.account_ttv", "marts.health_scores"],
          title: "Profiles by logo retention, with its 95% interval; the table by NRR lift",
          description:
            "Chart: logo retention of each profile large enough to trust, sorted by it, with its Wilson 95% interval, against the whole book's (dashed). Table: every profile, sorted by NRR lift.",
          rows: async (db, config) => {
            const table = await icpFit(db, config);
            if (!table) return [];
            return [table.book, ...table.rows].map((r) => ({
              profile: r.dimension === "book" ? "Whole book" : `${r.dimension.replaceAll("_", " ")}: ${r.value ?? "(none)"}`,
              accounts: r.accounts,
              arr_share: r.arr_share,
              nrr: r.nrr,
              lift: r.lift,
              grr: r.grr,
              logo_retention: r.logo_retention,
              logo_retention_low: r.logo_retention_low,
              logo_retention_high: r.logo_retention_high,
              ttv_median_days: r.ttv_median_days,
              health_score_avg: r.health_score_avg,
              trust: r.too_small ? `too small (n < ${table.minAccounts})` : "",
            }));
          },
          columns: [
            { name: "profile", label: "Profile" },
            { name: "accounts", label: "Accounts", format: "count" },
            { name: "arr_share", label: "ARR share", format: "percent" },
            { name: "nrr", label: "NRR", format: "percent" },
            { name: "lift", label: "Lift", format: "ratio" },
            { name: "grr", label: "GRR", format: "percent" },
            { name: "logo_retention", label: "Logo retention", format: "percent" },
            { name: "logo_retention_low", label: "95% low", format: "percent" },
            { name: "logo_retention_high", label: "95% high", format: "percent" },
            { name: "ttv_median_days", label: "Median TTV", format: "days" },
            { name: "health_score_avg", label: "Avg health", format: "score" },
            { name: "trust", label: "Trust" },
          ],
          plot: (rows, context) =>
            intervals(
              // The chart is sorted by what it shows: logo retention, the measure with an interval.
              rows.filter((r) => r.trust === "").sort((a, b) => Number(b.logo_retention ?? -1) - Number(a.logo_retention ?? -1)),
              {
                label: "profile",
                value: "logo_retention",
                low: "logo_retention_low",
                high: "logo_retention_high",
                format: "percent",
                reference: (rows[0]?.logo_retention as number | undefined) ?? undefined,
                axisLabel: "Logo retention, 12 months (%)",
              },
              context,
            ),
          empty: "No retention base yet: ICP fit needs twelve months of data.",
        },
      ],
    },
  ],
});
