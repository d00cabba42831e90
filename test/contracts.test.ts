import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contractsMarkdown } from "../pipelines/contract-docs.ts";
import { cli, ROOT } from "./helpers.ts";

// Issue 13: the columns for one's own exports, from the contracts themselves.
describe("bellwether contracts", () => {
  it("prints a table's columns, types, required flags, defaults and rules", () => {
    const result = cli(["contracts", "crm_subscriptions", "--format", "json"], ROOT);
    expect(result.status).toBe(0);
    const [table] = JSON.parse(result.stdout) as { table: string; key: string; references: string[]; columns: Record<string, unknown>[] }[];
    expect(table?.table).toBe("crm_subscriptions");
    expect(table?.key).toBe("subscription_id");
    expect(table?.references).toEqual(["account_id → crm_accounts"]);
    const byName = Object.fromEntries((table?.columns ?? []).map((c) => [c.column, c]));
    expect(byName.amount).toEqual({
      column: "amount",
      type: "decimal (up to 13 digits, 6 decimals)",
      required: true,
      default: null,
      rules: ["between 0 and 1000000000000", "amount × quantity must be at most 1,000,000,000,000 per billing interval"],
    });
    expect(byName.interval_months).toMatchObject({ required: true, rules: ["between 1 and 120"] });
    expect(byName.quantity).toMatchObject({ required: false, default: "1" });
    expect(byName.start_date).toMatchObject({ type: "date (YYYY-MM-DD)", rules: ["from 1900-01-01 to 2199-12-31"] });
  });

  it("refuses an unknown table with the closest name, exit 2", () => {
    const result = cli(["contracts", "crm_subscription"], ROOT);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no landing table "crm_subscription" — did you mean "crm_subscriptions"?');
  });

  it("keeps docs/contracts.md in step with the contracts (regenerate: bellwether contracts --format markdown > docs/contracts.md)", () => {
    expect(readFileSync(join(ROOT, "docs", "contracts.md"), "utf8")).toBe(contractsMarkdown());
  });
});
