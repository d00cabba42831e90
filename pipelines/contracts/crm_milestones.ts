import { z } from "zod";
import { defineContract } from "../contract.ts";

export const crmMilestones = defineContract({
  table: "crm_milestones",
  happenedAt: "achieved_at",
  key: ["account_id", "milestone"],
  columns: z.object({
    account_id: z.string(),
    milestone: z.string(),
    achieved_at: z.iso.date(),
  }),
  references: { account_id: "crm_accounts" },
});
