import { z } from "zod";
import { defineContract } from "../contract.ts";

export const crmAccounts = defineContract({
  table: "crm_accounts",
  happenedAt: "created_at",
  key: ["account_id"],
  columns: z.object({
    account_id: z.string(),
    name: z.string(),
    industry: z.string().optional(),
    employee_count: z.int().min(0).optional(),
    region: z.string().optional(),
    country: z.string().optional(),
    owner_csm: z.string().optional(),
    acquisition_channel: z.string().optional(),
    created_at: z.iso.date().optional(),
  }),
});
