import { z } from "zod";
import { defineContract } from "../contract.ts";

export const supportTickets = defineContract({
  table: "support_tickets",
  happenedAt: "created_at",
  key: ["ticket_id"],
  columns: z.object({
    ticket_id: z.string(),
    account_id: z.string(),
    created_at: z.iso.datetime(),
    first_response_at: z.iso.datetime().optional(),
    solved_at: z.iso.datetime().optional(),
    priority: z.enum(["low", "normal", "high", "urgent"]).optional(),
    status: z.string().optional(),
    category: z.string().optional(),
    csat: z.int().min(1).max(5).optional(),
    ces: z.int().min(1).max(7).optional(),
  }),
  references: { account_id: "crm_accounts" },
});
