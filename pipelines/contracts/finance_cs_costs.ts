import { z } from "zod";
import { decimal, defineContract } from "../contract.ts";

export const financeCsCosts = defineContract({
  table: "finance_cs_costs",
  happenedAt: "month",
  key: ["month", "cost_center", "segment"],
  columns: z.object({
    /** Any day of the month; normalised to the month's first day in staging. */
    month: z.iso.date(),
    cost_center: z.string(),
    /** Empty = allocate across segments. */
    segment: z.string().optional(),
    amount: decimal(1e12, 6),
    currency: z.string().optional(),
  }),
});
