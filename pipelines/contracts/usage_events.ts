import { z } from "zod";
import { defineContract } from "../contract.ts";

export const usageEvents = defineContract({
  table: "usage_events",
  // DESIGN.md: event_id, or (account_id, user_id, event_name, occurred_at) when there is none.
  key: ["event_id", "account_id", "user_id", "event_name", "occurred_at"],
  keySql: ["event_id", "CASE WHEN event_id IS NULL THEN concat_ws('|', account_id, user_id, event_name, occurred_at::VARCHAR) END"],
  columns: z.object({
    account_id: z.string(),
    user_id: z.string(),
    event_name: z.string(),
    occurred_at: z.iso.datetime(),
    event_id: z.string().optional(),
  }),
  references: { account_id: "crm_accounts" },
});
