import { z } from "zod";
import { defineContract } from "../contract.ts";

export const usageEvents = defineContract({
  table: "usage_events",
  happenedAt: "occurred_at",
  // DESIGN.md: event_id, or (account_id, user_id, event_name, occurred_at) when there is none.
  key: ["event_id", "account_id", "user_id", "anonymous_id", "event_name", "occurred_at"],
  // One term per column (never the columns joined into one string, where "a|b" + "c" = "a" + "b|c").
  keySql: [
    '"event_id"',
    ...["account_id", "user_id", "anonymous_id", "event_name", "occurred_at"].map((c) => `CASE WHEN "event_id" IS NULL THEN "${c}" END`),
  ],
  columns: z.object({
    account_id: z.string(),
    /** Empty for an anonymous event, which then names its anonymous_id. */
    user_id: z.string().optional(),
    event_name: z.string(),
    occurred_at: z.iso.datetime(),
    event_id: z.string().optional(),
    /** The device or cookie id of an event sent before the user was known. */
    anonymous_id: z.string().optional(),
  }),
  references: { account_id: "crm_accounts" },
  rules: [
    {
      name: "user_or_anonymous",
      column: "user_id",
      sql: "user_id IS NOT NULL OR anonymous_id IS NOT NULL",
      message: "user_id is required unless anonymous_id is given",
    },
  ],
});
