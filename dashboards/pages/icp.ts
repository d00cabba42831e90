import { icpFit } from "../../metrics/icp.ts";
import { intervals } from "../marks.ts";
import { definePage } from "../page.ts";

/** ICP fit: which profiles retain and expand, with how much to trust each. */
export const icpPage = definePage({
  file: "icp.html",
  nav: "ICP fit",
  title: "Ideal customer profile fit",
  intro:
    "For each industry, employee band, region, acquisition channel and plan: the accounts that had that profile twelve months before the last month end, how they retained, and lift = their NRR over the whole book's, with its 95% interval. One measure ranks, draws and carries the interval: lift. Groups smaller than the config's minimum are flagged; read them as anecdotes.",
  sections: [
    {
      title: "Lift by profile",
      blocks: [
        {
          kind: "listing",
          id: "icp-fit",
          reads: ["marts.months", "marts.account_months", "marts.account_ttv", "marts.health_scores"],
          title: "Profiles by NRR lift, with its 95% interval",
          description:
            "Chart: the NRR lift of each profile large enough to trust, sorted by it, with its 95% interval, against the whole book (1.0, dashed). Table: every profile in the same order, with GRR, logo retention, TTV and health beside.",
          rows: async (db, config) => {
            const table = await icpFit(db, config);
            if (!table) return [];
            return [table.book, ...table.rows].map((r) => ({
              profile: r.dimension === "book" ? "Whole book" : `${r.dimension.replaceAll("_", " ")}: ${r.value ?? "(none)"}`,
              accounts: r.accounts,
              arr_share: r.arr_share,
              nrr: r.nrr,
              lift: r.lift,
              lift_low: r.lift_low,
              lift_high: r.lift_high,
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
            { name: "lift_low", label: "Lift 95% low", format: "ratio" },
            { name: "lift_high", label: "Lift 95% high", format: "ratio" },
            { name: "grr", label: "GRR", format: "percent" },
            { name: "logo_retention", label: "Logo retention", format: "percent" },
            { name: "ttv_median_days", label: "Median TTV", format: "days" },
            { name: "health_score_avg", label: "Avg health", format: "score" },
            { name: "trust", label: "Trust" },
          ],
          plot: (rows, context) =>
            intervals(
              // Sorted as the table is, by the measure drawn: lift; the whole book is 1.0 by definition.
              rows.filter((r) => r.trust === "" && r.profile !== "Whole book"),
              {
                label: "profile",
                value: "lift",
                low: "lift_low",
                high: "lift_high",
                format: "ratio",
                reference: 1,
                axisLabel: "NRR lift over the whole book, 12 months (×)",
              },
              context,
            ),
          empty: "No retention base yet: ICP fit needs twelve months of data.",
        },
      ],
    },
  ],
});
