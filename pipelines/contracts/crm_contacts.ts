import { z } from "zod";
import { defineContract } from "../contract.ts";

export const crmContacts = defineContract({
  table: "crm_contacts",
  happenedAt: "started_at",
  key: ["contact_id"],
  columns: z.object({
    contact_id: z.string(),
    account_id: z.string(),
    email: z.string().optional(),
    title: z.string().optional(),
    role: z.enum(["buyer", "champion", "power_user", "user"]).optional(),
    started_at: z.iso.date().optional(),
    left_at: z.iso.date().optional(),
  }),
  references: { account_id: "crm_accounts" },
});
