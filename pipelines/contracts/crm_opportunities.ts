import { z } from "zod";
import { decimal, defineContract } from "../contract.ts";

export const crmOpportunities = defineContract({
  table: "crm_opportunities",
  happenedAt: "close_date",
  key: ["opportunity_id"],
  columns: z.object({
    opportunity_id: z.string(),
    account_id: z.string(),
    type: z.enum(["new", "renewal", "expansion", "cross_sell"]),
    stage: z.string().optional(),
    amount: decimal(1e12, 6).optional(),
    close_date: z.iso.date().optional(),
    is_won: z.boolean().optional(),
    source: z.enum(["sales", "cs"]).optional(),
    loss_reason: z.string().optional(),
    /** The amount's currency; empty = the reporting currency. */
    currency: z.string().optional(),
  }),
  references: { account_id: "crm_accounts" },
  rules: [
    {
      name: "currency_code",
      column: "currency",
      sql: "regexp_full_match(currency, '[A-Z]{3}')",
      message: "currency must be a three-letter upper-case ISO 4217 code",
    },
  ],
});
