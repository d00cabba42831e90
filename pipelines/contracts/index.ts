import type { Contract } from "../contract.ts";
import { crmAccounts } from "./crm_accounts.ts";
import { crmContacts } from "./crm_contacts.ts";
import { crmMilestones } from "./crm_milestones.ts";
import { crmOpportunities } from "./crm_opportunities.ts";
import { crmSubscriptions } from "./crm_subscriptions.ts";
import { financeCsCosts } from "./finance_cs_costs.ts";
import { financeFxRates } from "./finance_fx_rates.ts";
import { supportTickets } from "./support_tickets.ts";
import { surveyResponses } from "./survey_responses.ts";
import { usageEvents } from "./usage_events.ts";

/** Every landing table of DESIGN.md, by table name. */
export const contracts = {
  crm_accounts: crmAccounts,
  crm_subscriptions: crmSubscriptions,
  crm_contacts: crmContacts,
  crm_opportunities: crmOpportunities,
  crm_milestones: crmMilestones,
  support_tickets: supportTickets,
  usage_events: usageEvents,
  survey_responses: surveyResponses,
  finance_cs_costs: financeCsCosts,
  finance_fx_rates: financeFxRates,
} satisfies Record<string, Contract>;

export type TableName = keyof typeof contracts;
export const tableNames = Object.keys(contracts) as TableName[];

export function columnNames(table: TableName): string[] {
  return contracts[table].specs.map((s) => s.name);
}

/**
 * One row per landing table: the newest moment its rows say something happened (not when it was
 * landed), as a timestamp. A table never landed has none.
 */
export function newestDataSql(): string {
  return (
    (Object.values(contracts) as Contract[])
      .filter((c) => c.happenedAt)
      // What has happened: an open opportunity's expected close date is a plan, not data.
      .map(
        (c) =>
          `SELECT '${c.table}' AS table_name, max(CASE WHEN "${c.happenedAt}"::TIMESTAMP <= now()::TIMESTAMP THEN "${c.happenedAt}" END)::TIMESTAMP AS newest FROM raw."${c.table}"`,
      )
      .join(" UNION ALL ")
  );
}
