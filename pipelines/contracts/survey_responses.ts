import { z } from "zod";
import { defineContract } from "../contract.ts";

export const surveyResponses = defineContract({
  table: "survey_responses",
  happenedAt: "responded_at",
  key: ["response_id"],
  columns: z.object({
    response_id: z.string(),
    account_id: z.string(),
    contact_id: z.string().optional(),
    survey: z.enum(["nps", "csat", "ces"]),
    /** Empty only for a CSAT answer given as good/bad, which then says `satisfied`. */
    score: z.int().min(0).max(10).optional(),
    /** A binary CSAT answer (Zendesk's good/bad): true = satisfied. */
    satisfied: z.boolean().optional(),
    comment: z.string().optional(),
    responded_at: z.iso.date(),
  }),
  references: { account_id: "crm_accounts" },
  rules: [
    {
      name: "score_or_satisfied",
      column: "score",
      sql: "score IS NOT NULL OR (survey = 'csat' AND satisfied IS NOT NULL)",
      message: "score is required (a CSAT answer may give satisfied true/false instead)",
    },
    {
      name: "score_range_for_survey",
      column: "score",
      sql: "CASE survey WHEN 'nps' THEN score BETWEEN 0 AND 10 WHEN 'csat' THEN score BETWEEN 1 AND 5 WHEN 'ces' THEN score BETWEEN 1 AND 7 END",
      message: "score out of range for its survey (NPS 0–10, CSAT 1–5, CES 1–7)",
    },
  ],
});
