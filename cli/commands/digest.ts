import { buildDigest, digestText, recordDigest } from "../../alerts/digest.ts";
import { sendDigest } from "../../alerts/digest-outlets.ts";
import { InputError } from "../../core/errors.ts";
import { printable, warn } from "../../core/log.ts";
import { openWarehouse } from "../../core/open-warehouse.ts";
import { accountFile } from "../../dashboards/pages/accounts.ts";
import type { Config } from "../../project/config.ts";
import type { Command } from "../command.ts";
import { isoDateFlag, oneOf } from "./flags.ts";

export const digestCommand: Command = {
  name: "digest",
  summary: "what moved since the last digest: ARR and its bridge, movers, alerts, renewals due",
  usage: "bellwether digest [--since DATE] [--format text|json] [--dry-run]",
  description: `Prints what moved from --since (by default the last digest's day, else 30 days before the as-of) to the warehouse's as-of day: ARR and its bridge (whole months, from the start of --since's month), the five accounts whose ARR changed most with their pages in the site, alerts opened and closed, and renewals due in the next 30 days with their health band. It then sends it to the outlets in the config's digest key — a file, a webhook (JSON or Slack) and mail through an SMTP server — and records it in meta.digests, so the next one starts where this one ended; a digest an outlet failed to take is not recorded, and the command exits 1. A schedule entry with digest: true sends one after each run that succeeds.`,
  positionals: "none",
  options: {
    since: { type: "string", placeholder: "DATE", description: "what moved from this day (YYYY-MM-DD)" },
    format: { type: "string", placeholder: "FORMAT", description: "text (default) or json" },
    "dry-run": { type: "boolean", description: "print the digest; send nothing and record nothing" },
  },
  examples: ["bellwether digest", "bellwether digest --since 2026-09-01 --dry-run", "bellwether digest --format json"],
  async run({ values, config: loadConfig }) {
    const format = oneOf("format", values.format, ["text", "json"]);
    const since = isoDateFlag("since", values.since);
    return digestAndSend(await loadConfig(), { since, format, dryRun: values["dry-run"] === true });
  },
};

/**
 * Builds the digest, prints it, sends it to the config's outlets and records it: the command, and a
 * scheduled job's `digest: true` after a run that succeeded. 1 when an outlet failed (nothing recorded).
 */
export async function digestAndSend(
  config: Config,
  options: { since?: string; format?: "text" | "json"; dryRun?: boolean } = {},
): Promise<number> {
  const db = await openWarehouse(config);
  try {
    if (!(await db.tableExists("marts", "as_of")))
      throw new InputError(`${db.path}: no marts in this warehouse yet; run \`bellwether build\` first`);
    const digest = await buildDigest(db, config, { since: options.since, pageOf: accountFile }).catch((error: Error) => {
      throw new InputError(error.message);
    });
    const text = digestText(digest, config.reportingCurrency);
    process.stdout.write(printable(options.format === "json" ? `${JSON.stringify(digest, null, 2)}\n` : text));
    if (options.dryRun) return 0;
    const deliveries = await sendDigest(config, digest, text);
    for (const d of deliveries.filter((d) => d.status === "failed")) warn(`digest outlet ${d.outlet} failed: ${d.error}`);
    if (deliveries.some((d) => d.status === "failed")) return 1;
    await recordDigest(db, digest);
    return 0;
  } finally {
    await db.close();
  }
}
