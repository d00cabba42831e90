import { utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { landFile } from "../pipelines/land.ts";
import { tempDir } from "./helpers.ts";

let dir: string;
let cleanup: () => void;
let db: Warehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  db = await Warehouse.open(join(dir, "w.duckdb"));
  const accounts = write("crm_accounts.csv", ["account_id,name,employee_count", "A1,Alpha,10", "A2,Beta,20"]);
  await landFile(db, contracts.crm_accounts, accounts);
});
afterEach(() => {
  db.close();
  cleanup();
});

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const SUBSCRIPTION_HEADER = "subscription_id,account_id,start_date,end_date,amount,interval_months,quantity,discount";

describe("landing a file with bad rows", () => {
  it("lands every good row and quarantines each bad one with its line, column and reason", async () => {
    const file = write("crm_subscriptions.csv", [
      SUBSCRIPTION_HEADER,
      "S1,A1,2024-01-15,,100,1,2,0", //            line 2: good
      "S2,A1,2024-13-01,,100,1,2,0", //            line 3: not a date
      "S3,A9,2024-01-15,,100,1,2,0", //            line 4: no account A9
      "S1,A2,2024-02-01,,100,1,2,0", //            line 5: S1 again
      "S4,A1,2024-01-15,,100,0,2,0", //            line 6: 0 is not an interval
      "S5,A1,2024-01-15,,100,1,2,1.5", //          line 7: discount above 1
      "S6,A1,2024-03-01,2024-02-01,100,1,2,0", //  line 8: ends before it starts
      "S7,A2,2024-01-15,,,12,1,0", //              line 9: no amount
      "S8,A2,2024-01-15,,250.5,12,,", //           line 10: good, quantity and discount default
    ]);
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ status: "landed", read: 9, landed: 2, quarantined: 7 });
    expect(result.reasons).toEqual({
      bad_type: 1,
      orphan: 1,
      duplicate_key: 1,
      out_of_range: 2,
      rule: 1,
      missing_value: 1,
    });

    const quarantined = await db.all(
      "SELECT _source_line AS line, column_name, reason, subscription_id FROM quarantine.crm_subscriptions ORDER BY line",
    );
    expect(quarantined).toEqual([
      { line: 3, column_name: "start_date", reason: "bad_type", subscription_id: "S2" },
      { line: 4, column_name: "account_id", reason: "orphan", subscription_id: "S3" },
      { line: 5, column_name: "subscription_id", reason: "duplicate_key", subscription_id: "S1" },
      { line: 6, column_name: "interval_months", reason: "out_of_range", subscription_id: "S4" },
      { line: 7, column_name: "discount", reason: "out_of_range", subscription_id: "S5" },
      { line: 8, column_name: "end_date", reason: "rule", subscription_id: "S6" },
      { line: 9, column_name: "amount", reason: "missing_value", subscription_id: "S7" },
    ]);
    const landed = await db.all(
      "SELECT subscription_id, amount, quantity, discount, _source_line AS line FROM raw.crm_subscriptions ORDER BY 1",
    );
    expect(landed).toEqual([
      { subscription_id: "S1", amount: 100, quantity: 2, discount: 0, line: 2 },
      { subscription_id: "S8", amount: 250.5, quantity: 1, discount: 0, line: 10 },
    ]);
    const [load] = await db.all(
      "SELECT rows_read, rows_landed, rows_quarantined, status FROM meta.loads WHERE table_name = 'crm_subscriptions'",
    );
    expect(load).toEqual({ rows_read: 9, rows_landed: 2, rows_quarantined: 7, status: "landed" });
  });

  it("keeps the original text of a quarantined row and a sentence saying what is wrong", async () => {
    const file = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,15/01/2024,,1 200,1,2,0"]);
    await landFile(db, contracts.crm_subscriptions, file);
    const [row] = await db.all("SELECT start_date, amount, message FROM quarantine.crm_subscriptions");
    expect(row).toEqual({ start_date: "15/01/2024", amount: "1 200", message: "start_date must be an ISO date (YYYY-MM-DD)" });
  });

  it("refuses a whole number written with a fraction instead of rounding it", async () => {
    const tickets = write("support_tickets.csv", [
      "ticket_id,account_id,created_at,csat",
      "T1,A1,2024-01-01T10:00:00Z,3.5",
      "T2,A1,2024-01-01T10:00:00+02:00,4",
    ]);
    const result = await landFile(db, contracts.support_tickets, tickets);
    expect(result).toMatchObject({ landed: 1, quarantined: 1, reasons: { bad_type: 1 } });
    // The offset is applied, not dropped: 10:00 at +02:00 is 08:00 UTC.
    expect(await db.all("SELECT ticket_id, strftime(created_at, '%H:%M') AS at FROM raw.support_tickets")).toEqual([
      { ticket_id: "T2", at: "08:00" },
    ]);
  });
});

describe("re-loading", () => {
  it("skips a file it has already landed", async () => {
    const file = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0"]);
    await landFile(db, contracts.crm_subscriptions, file);
    const again = await landFile(db, contracts.crm_subscriptions, file);
    expect(again.status).toBe("skipped");
    expect(await db.all("SELECT count(*) AS n FROM raw.crm_subscriptions")).toEqual([{ n: 1 }]);
    expect(await db.all("SELECT status, count(*) AS n FROM meta.loads WHERE table_name = 'crm_subscriptions' GROUP BY ALL")).toEqual([
      { status: "landed", n: 1 },
    ]);
  });

  it("takes an unchanged file's hash from its last landing by size and modification time, and reads a touched or fresh one", async () => {
    const file = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0"]);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, anHourAgo, anHourAgo);
    await landFile(db, contracts.crm_subscriptions, file);
    // Were the file read, its hash would not be "recorded-hash" and it would land again.
    await db.run("UPDATE meta.loads SET content_hash = 'recorded-hash' WHERE table_name = 'crm_subscriptions'");
    expect((await landFile(db, contracts.crm_subscriptions, file)).status).toBe("skipped");
    // Touched: read, found to differ from the record, landed (the same rows).
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    utimesSync(file, tenMinutesAgo, tenMinutesAgo);
    expect((await landFile(db, contracts.crm_subscriptions, file)).status).toBe("landed");

    // Written just now, then again with the same size and time: no stamp was trusted, so it is read.
    const fresh = write("crm_contacts.csv", ["contact_id,account_id,role", "C1,A1,buyer"]);
    const now = new Date();
    utimesSync(fresh, now, now);
    await landFile(db, contracts.crm_contacts, fresh);
    write("crm_contacts.csv", ["contact_id,account_id,role", "C2,A1,buyer"]);
    utimesSync(fresh, now, now);
    expect((await landFile(db, contracts.crm_contacts, fresh)).status).toBe("landed");
    expect(await db.all("SELECT contact_id FROM raw.crm_contacts")).toEqual([{ contact_id: "C2" }]);
  });

  it("reads a file rewritten to the same size with its modification time put back, and every file when asked to reread", async () => {
    const file = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0"]);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(file, anHourAgo, anHourAgo);
    await landFile(db, contracts.crm_subscriptions, file);
    // Same size, same modification time, other bytes: its change time moved, so it is read and lands.
    write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,200,1,2,0"]);
    utimesSync(file, anHourAgo, anHourAgo);
    expect((await landFile(db, contracts.crm_subscriptions, file)).status).toBe("landed");
    expect(await db.all("SELECT amount::INTEGER AS amount FROM raw.crm_subscriptions")).toEqual([{ amount: 200 }]);
    // A stamp that matches is trusted, unless --full-refresh asks for every file to be read again.
    await db.run("UPDATE meta.loads SET content_hash = 'recorded-hash' WHERE table_name = 'crm_subscriptions'");
    expect((await landFile(db, contracts.crm_subscriptions, file)).status).toBe("skipped");
    expect((await landFile(db, contracts.crm_subscriptions, file, { reread: true })).status).toBe("landed");
  });

  it("replaces the rows a changed file brought before, quarantine included", async () => {
    const file = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0", "S2,A9,2024-01-15,,100,1,2,0"]);
    await landFile(db, contracts.crm_subscriptions, file);
    write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,120,1,2,0", "S3,A2,2024-02-01,,50,1,1,0"]);
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ status: "landed", landed: 2, quarantined: 0 });
    expect(await db.all("SELECT subscription_id, amount FROM raw.crm_subscriptions ORDER BY 1")).toEqual([
      { subscription_id: "S1", amount: 120 },
      { subscription_id: "S3", amount: 50 },
    ]);
    expect(await db.all("SELECT count(*) AS n FROM quarantine.crm_subscriptions")).toEqual([{ n: 0 }]);
  });

  it("upserts keys across files: the later file's row wins", async () => {
    await landFile(db, contracts.crm_subscriptions, write("a.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0"]));
    await landFile(db, contracts.crm_subscriptions, write("b.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,90,1,2,0"]));
    expect(await db.all("SELECT subscription_id, amount, _source_file AS file FROM raw.crm_subscriptions")).toEqual([
      { subscription_id: "S1", amount: 90, file: join(dir, "b.csv") },
    ]);
  });
});

describe("files that cannot land", () => {
  it("refuses a file missing a required column, lands nothing of it and names the column", async () => {
    const file = write("crm_subscriptions.csv", ["subscription_id,account_id,start_date,interval_months", "S1,A1,2024-01-15,1"]);
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result.status).toBe("refused");
    expect(result.message).toBe(
      `${file}: missing required column amount for crm_subscriptions (the file has "subscription_id", "account_id", "start_date", "interval_months"); nothing from this file was landed`,
    );
    expect(await db.all("SELECT count(*) AS n FROM raw.crm_subscriptions")).toEqual([{ n: 0 }]);
  });

  it("leaves the tables and meta.loads exactly as they were when a load fails part-way", async () => {
    const first = write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,100,1,2,0", "S2,A9,2024-01-15,,100,1,2,0"]);
    await landFile(db, contracts.crm_subscriptions, first);
    const snapshot = async () => ({
      raw: await db.all("SELECT * EXCLUDE (_load_id) FROM raw.crm_subscriptions ORDER BY subscription_id"),
      quarantine: await db.all("SELECT subscription_id, reason FROM quarantine.crm_subscriptions ORDER BY 1"),
      loads: await db.all("SELECT load_id, status FROM meta.loads ORDER BY started_at"),
    });
    const before = await snapshot();
    write("crm_subscriptions.csv", [SUBSCRIPTION_HEADER, "S1,A1,2024-01-15,,999,1,2,0"]);
    const run = db.run.bind(db);
    // The crash comes after the old rows were deleted and the new ones inserted, inside the transaction.
    const spy = vi.spyOn(db, "run").mockImplementation(async (sql, params) => {
      if (sql.includes("INSERT INTO quarantine.")) throw new Error("disk full (injected)");
      return run(sql, params);
    });
    await expect(landFile(db, contracts.crm_subscriptions, first)).rejects.toThrow("disk full (injected)");
    spy.mockRestore();
    expect(await snapshot()).toEqual(before);
  });
});

describe("text from the source", () => {
  it("survives byte for byte: Unicode, quotes, commas, embedded newlines and markup", async () => {
    const names = ['Müller & Söhne "Quoted", GmbH', "株式会社サンプル", "<script>alert('x')</script>", "Line one\nline two", "  padded  "];
    const csv = ["account_id,name", ...names.map((n, i) => `B${i},"${n.replaceAll('"', '""')}"`)];
    const result = await landFile(db, contracts.crm_accounts, write("accounts2.csv", csv));
    expect(result).toMatchObject({ landed: names.length, quarantined: 0 });
    const rows = await db.all<{ name: string }>("SELECT name FROM raw.crm_accounts WHERE account_id LIKE 'B%' ORDER BY account_id");
    expect(rows.map((r) => r.name)).toEqual(names);
  });
});

describe("each contract rule", () => {
  it("checks booleans, enums, amounts and the score range of each survey", async () => {
    const opportunities = write("crm_opportunities.csv", [
      "opportunity_id,account_id,type,amount,is_won,source",
      "O1,A1,renewal,1000,true,cs", //      line 2: good
      "O2,A1,renewal,1000,maybe,cs", //     line 3: not a boolean
      "O3,A1,upsell,1000,true,cs", //       line 4: not a type
      "O4,A1,expansion,-5,false,sales", //  line 5: negative amount
      "O5,A2,cross_sell,,false,partner", // line 6: not a source
    ]);
    const o = await landFile(db, contracts.crm_opportunities, opportunities);
    expect(o).toMatchObject({ read: 5, landed: 1, quarantined: 4, reasons: { bad_type: 1, not_accepted: 2, out_of_range: 1 } });
    expect(await db.all("SELECT _source_line AS line, column_name FROM quarantine.crm_opportunities ORDER BY 1")).toEqual([
      { line: 3, column_name: "is_won" },
      { line: 4, column_name: "type" },
      { line: 5, column_name: "amount" },
      { line: 6, column_name: "source" },
    ]);

    const surveys = write("survey_responses.csv", [
      "response_id,account_id,survey,score,responded_at",
      "R1,A1,nps,10,2024-01-01", // good
      "R2,A1,nps,11,2024-01-01", // NPS is 0–10
      "R3,A1,csat,6,2024-01-01", // CSAT is 1–5
      "R4,A1,ces,7,2024-01-01", //  good: CES is 1–7
      "R5,A1,ces,0,2024-01-01", //  CES is 1–7
      "R6,A1,csat,4,2024-01-01", // good
    ]);
    const s = await landFile(db, contracts.survey_responses, surveys);
    expect(s).toMatchObject({ read: 6, landed: 3, quarantined: 3, reasons: { out_of_range: 1, rule: 2 } });
    expect(await db.all("SELECT response_id, message FROM quarantine.survey_responses ORDER BY 1")).toEqual([
      { response_id: "R2", message: "score must be between 0 and 10" },
      { response_id: "R3", message: "score out of range for its survey (NPS 0–10, CSAT 1–5, CES 1–7)" },
      { response_id: "R5", message: "score out of range for its survey (NPS 0–10, CSAT 1–5, CES 1–7)" },
    ]);
  });
});
