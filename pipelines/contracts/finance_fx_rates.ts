import { z } from "zod";
import { decimal, defineContract } from "../contract.ts";

export const financeFxRates = defineContract({
  table: "finance_fx_rates",
  happenedAt: "month",
  key: ["currency", "month"],
  columns: z.object({
    currency: z.string(),
    month: z.iso.date(),
    /** Reporting-currency units per one unit of `currency`. */
    rate: decimal(1e5, 10),
  }),
  rules: [{ name: "rate_positive", column: "rate", sql: "rate > 0", message: "an FX rate must be above 0" }],
});
