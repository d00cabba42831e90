import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { literal, Warehouse } from "../../core/warehouse.ts";

/**
 * The canonical exports as they stood at the end of day D: what a team's daily export cut at D would
 * have held. Rows dated after D are gone; a date after D on a row that existed by then (a ticket
 * solved later, a contact who left later, an opportunity closed later) is not known yet and is empty.
 * Dates a row carries ahead of time (a subscription's scheduled end) are kept, as the CRM had them.
 * Fields that carry no date of their own (a ticket's status) are left as the export has them, and so
 * are accounts: reference data, an account with nothing dated by D shows in no figure.
 * Instants are compared by their ISO date (the exports are in UTC, as the sample's are).
 */
const CUTS: Record<string, { keep?: string; blank?: Record<string, string> }> = {
  crm_accounts: {},
  crm_subscriptions: { keep: "start_date" },
  crm_contacts: { keep: "started_at", blank: { left_at: "left_at" } },
  crm_milestones: { keep: "achieved_at" },
  crm_opportunities: { blank: { is_won: "close_date", loss_reason: "close_date", stage: "close_date" } },
  support_tickets: { keep: "created_at", blank: { first_response_at: "first_response_at", solved_at: "solved_at" } },
  survey_responses: { keep: "responded_at" },
  usage_events: { keep: "occurred_at" },
  finance_cs_costs: { keep: "month" },
  finance_fx_rates: { keep: "month" },
};

/** Dated after the cut: the column's ISO date is later than D (an empty date is not). */
const after = (column: string, day: string) => `coalesce(left("${column}", 10) > ${literal(day)}, false)`;

/** Writes the canonical CSV files of `from` cut at `day` (YYYY-MM-DD) into `to`; returns the files written. */
export async function cutExports(from: string, to: string, day: string): Promise<string[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`cut day must be YYYY-MM-DD, got ${day}`);
  mkdirSync(to, { recursive: true });
  const db = await Warehouse.open(":memory:");
  const written: string[] = [];
  try {
    for (const file of readdirSync(from)
      .filter((f) => f.endsWith(".csv"))
      .sort()) {
      const table = file.replace(/\.csv$/, "");
      const cut = CUTS[table];
      if (!cut) throw new Error(`cutExports: no cut rule for ${file}`);
      const source = join(from, file);
      const header = (
        await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_csv(${literal(source)}, all_varchar = true, header = true)`)
      ).map((c) => c.column_name);
      // A rule over a column the file does not have (an optional one) has nothing to cut.
      const columns = header.map((c) => {
        const dated = cut.blank?.[c];
        return dated && header.includes(dated) ? `CASE WHEN ${after(dated, day)} THEN NULL ELSE "${c}" END AS "${c}"` : `"${c}"`;
      });
      const keep = cut.keep && header.includes(cut.keep) ? `WHERE NOT ${after(cut.keep, day)}` : "";
      const target = join(to, file);
      await db.run(
        `COPY (SELECT ${columns.join(", ")} FROM read_csv(${literal(source)}, all_varchar = true, header = true) ${keep})
         TO ${literal(target)} (HEADER, DELIMITER ',')`,
      );
      written.push(target);
    }
  } finally {
    await db.close();
  }
  if (!existsSync(to)) throw new Error(`cutExports: ${to} not written`);
  return written;
}
