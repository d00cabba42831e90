import { z } from "zod";
import { decimal, defineContract } from "../contract.ts";

export const crmSubscriptions = defineContract({
  table: "crm_subscriptions",
  happenedAt: "start_date",
  key: ["subscription_id"],
  columns: z.object({
    subscription_id: z.string(),
    account_id: z.string(),
    product: z.string().optional(),
    plan: z.string().optional(),
    start_date: z.iso.date(),
    /** Exclusive; empty = open-ended. */
    end_date: z.iso.date().optional(),
    /** Price of one unit for one billing interval, in `currency`. */
    amount: decimal(1e12, 6),
    /** Any whole number of months a price covers (a mapping turns weekly or daily prices into a monthly amount). */
    interval_months: z.int().min(1).max(120),
    quantity: decimal(1e7, 6).default(1),
    discount: decimal(1, 6).default(0),
    /** Empty = the reporting currency. */
    currency: z.string().optional(),
  }),
  references: { account_id: "crm_accounts" },
  rules: [
    {
      // Keeps every line's exact arithmetic (× discount, × FX rate, ÷ months) inside DECIMAL(38).
      name: "line_value",
      column: "amount",
      sql: "amount * quantity <= 1000000000000",
      message: "amount × quantity must be at most 1,000,000,000,000 per billing interval",
    },
    {
      name: "end_after_start",
      column: "end_date",
      sql: "end_date > start_date",
      message: "end_date must be after start_date (end_date is exclusive)",
    },
    {
      name: "currency_code",
      column: "currency",
      sql: "regexp_full_match(currency, '[A-Z]{3}')",
      message: "currency must be a three-letter upper-case ISO 4217 code",
    },
  ],
});
