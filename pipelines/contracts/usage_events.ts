import { z } from "zod";
import { defineContract } from "../contract.ts";

export const usageEvents = defineContract({
  table: "usage_events",
  happenedAt: "occurred_at",
  // DESIGN.md: event_id, or (account_id, user_id, event_name, occurred_at) when there is none.
  key: ["event_id", "account_id", "user_id", "event_name", "occurred_at"],
  // One term per column (never the columns joined into one string, where "a|b" + "c" = "a" + "b|c").
  keySql: [
    '"event_id"',
    ...["account_id", "user_id", "event_name", "occurred_at"].map((c) => `CASE WHEN "event_id" IS NULL THEN "${c}" END`),
  ],
  columns: z.object({
    account_id: z.string(),
    user_id: z.string(),
    event_name: z.string(),
    occurred_at: z.iso.datetime(),
    event_id: z.string().optional(),
  }),
  references: { account_id: "crm_accounts" },
});
