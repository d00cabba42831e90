import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { ingest } from "../pipelines/ingest.ts";
import { landFile } from "../pipelines/land.ts";
import { findSources } from "../pipelines/sources.ts";
import { tempDir } from "./helpers.ts";

// Issue 12: each damaged input a new user's files really hold, built here, small enough to count by hand.
let dir: string;
let cleanup: () => void;
let db: Warehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  db = await Warehouse.open(join(dir, "w.duckdb"));
  await landFile(db, contracts.crm_accounts, write("crm_accounts.csv", "account_id,name\nA1,Alpha\nA2,Beta\n"));
});
afterEach(() => {
  db.close();
  cleanup();
});

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const SUBS = "subscription_id,account_id,start_date,amount,interval_months";
const sub = (i: number) => `S${i},A1,2024-01-01,${i},1`;
const count = async (sql: string) => (await db.one<{ n: number }>(sql))?.n;

describe("records the reader could lose", () => {
  it("refuses a file whose stray quote swallows the rest, naming the line where the quote opened (item 1)", async () => {
    const lines = [SUBS, ...Array.from({ length: 300 }, (_, i) => (i === 9 ? `S10,A1,"2024-01-01,10,1` : sub(i + 1)))];
    const file = write("subs.csv", `${lines.join("\n")}\n`);
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result.status).toBe("refused");
    // Record 10 sits on physical line 11 (the header is line 1).
    expect(result.message).toBe(
      `${file}: line 11: a quoted field opened here is never closed (a stray quote?), so every record after it would be swallowed; nothing from this file was landed`,
    );
    expect(await count("SELECT count(*) AS n FROM raw.crm_subscriptions")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM quarantine.crm_subscriptions")).toBe(0);
  });

  it("refuses a file with a 20 MB field, naming its line, its size and the limit", async () => {
    const file = write("accounts.csv", `account_id,name\nA1,One\nA2,${"x".repeat(20_000_000)}\nA3,Three\n`);
    const result = await landFile(db, contracts.crm_accounts, file);
    expect(result.status).toBe("refused");
    expect(result.message).toBe(
      `${file}: line 3: a record of 19.1 MiB, longer than the 16 MiB a CSV record may hold (rule: record size); nothing from this file was landed`,
    );
    // The two accounts landed before from another file are all there is.
    expect(await db.all("SELECT account_id FROM raw.crm_accounts ORDER BY 1")).toEqual([{ account_id: "A1" }, { account_id: "A2" }]);
    expect(await count(`SELECT count(*) AS n FROM meta.loads WHERE file = '${file}' AND status = 'landed'`)).toBe(0);
  });

  it("reads two stray quotes that pair up as the one record they make, and lands the other 297 (item 1)", async () => {
    // Lines 12–14 become one record: S11, A1, "2024-01-01,11,1⏎S12,…⏎S13,A1,2024-01-01", 13, 1 — five fields
    // with a start date that is no date. 300 lines hold 298 records.
    const lines = [SUBS, ...Array.from({ length: 300 }, (_, i) => sub(i + 1))];
    lines[11] = `S11,A1,"2024-01-01,11,1`;
    lines[13] = `S13,A1,2024-01-01",13,1`;
    const result = await landFile(db, contracts.crm_subscriptions, write("subs.csv", `${lines.join("\n")}\n`));
    expect(result).toMatchObject({ status: "landed", read: 298, landed: 297, quarantined: 1, reasons: { bad_type: 1 } });
    expect(await db.all("SELECT _source_line AS line, subscription_id, column_name FROM quarantine.crm_subscriptions")).toEqual([
      { line: 12, subscription_id: "S11", column_name: "start_date" },
    ]);
    // S14 is on line 15 and keeps it, although the bad record spans three lines.
    expect(await db.all("SELECT _source_line AS line FROM raw.crm_subscriptions WHERE subscription_id = 'S14'")).toEqual([{ line: 15 }]);
  });

  it("refuses a truncated .csv.gz instead of landing its prefix (item 2)", async () => {
    const body = `${[SUBS, ...Array.from({ length: 2000 }, (_, i) => sub(i + 1))].join("\n")}\n`;
    const gz = gzipSync(body);
    const file = write("subs.csv.gz", gz.subarray(0, Math.floor(gz.length / 2)));
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result.status).toBe("refused");
    expect(result.message).toMatch(/the gzip stream is damaged or cut short .*nothing from this file was landed/);
    expect(await count("SELECT count(*) AS n FROM raw.crm_subscriptions")).toBe(0);
  });

  it("reads NDJSON with the contract's keys, not a sample: keys first seen after record 20,480 land (item 3)", async () => {
    const records = Array.from({ length: 20_500 }, (_, i) => ({
      subscription_id: `S${i}`,
      account_id: "A1",
      start_date: "2024-01-01",
      amount: 10,
      interval_months: 1,
      ...(i >= 20_490 ? { end_date: "2025-01-01", currency: "EUR", discount: 0.25 } : {}),
    }));
    const file = write("subs.ndjson", records.map((r) => JSON.stringify(r)).join("\n"));
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ status: "landed", read: 20_500, landed: 20_500 });
    expect(
      await db.all(
        "SELECT count(*) AS n, min(end_date)::VARCHAR AS end_date, min(currency) AS currency, min(discount)::DOUBLE AS discount FROM raw.crm_subscriptions WHERE end_date IS NOT NULL",
      ),
    ).toEqual([{ n: 10, end_date: "2025-01-01", currency: "EUR", discount: 0.25 }]);
  });

  it("quarantines one bad NDJSON line with its line number and lands the rest (item 15)", async () => {
    const ok = (i: number) =>
      JSON.stringify({ subscription_id: `S${i}`, account_id: "A1", start_date: "2024-01-01", amount: i, interval_months: 1 });
    // Line 3 is blank (not a record), line 4 is not JSON, line 6 is JSON but not an object.
    const file = write("subs.ndjson", [ok(1), ok(2), "", "{oops", ok(5), "[1,2]", ok(7)].join("\n"));
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ status: "landed", read: 6, landed: 4, quarantined: 2, reasons: { malformed_record: 2 } });
    expect(await db.all("SELECT _source_line AS line, raw_record FROM quarantine.crm_subscriptions ORDER BY line")).toEqual([
      { line: 4, raw_record: "{oops" },
      { line: 6, raw_record: "[1,2]" },
    ]);
    expect(await db.all("SELECT subscription_id, _source_line AS line FROM raw.crm_subscriptions ORDER BY line")).toEqual([
      { subscription_id: "S1", line: 1 },
      { subscription_id: "S2", line: 2 },
      { subscription_id: "S5", line: 5 },
      { subscription_id: "S7", line: 7 },
    ]);
  });

  it("gives one quarantine row per bad record, at the physical line where it starts (item 14)", async () => {
    const file = write(
      "subs.csv",
      [
        SUBS,
        "S1,A1,2024-01-01,1,1", //                line 2
        "S2", //                                  line 3: 1 field of 5 (DuckDB reports one error per missing field)
        "S3,A1,2024-01-01,3,1", //                line 4
        '"S4\nsecond line",A1,2024-01-01,4,1', // lines 5–6: a quoted line break
        "S5,A1,2024-01-01,5,1,extra,extra", //    line 7: 7 fields
        "S6,A1,2024-01-01,6,1", //                line 8
        "",
        "S7,A1,not-a-date,7,1", //                line 10 (after a blank line)
      ].join("\r\n"),
    );
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ read: 7, landed: 4, quarantined: 3 });
    expect(await db.all("SELECT _source_line AS line, reason, raw_record FROM quarantine.crm_subscriptions ORDER BY line")).toEqual([
      { line: 3, reason: "malformed_record", raw_record: "S2" },
      { line: 7, reason: "malformed_record", raw_record: "S5,A1,2024-01-01,5,1,extra,extra" },
      { line: 10, reason: "bad_type", raw_record: null },
    ]);
    expect(await db.all("SELECT subscription_id, _source_line AS line FROM raw.crm_subscriptions ORDER BY line")).toEqual([
      { subscription_id: "S1", line: 2 },
      { subscription_id: "S3", line: 4 },
      { subscription_id: "S4\nsecond line", line: 5 },
      { subscription_id: "S6", line: 8 },
    ]);
  });
});

describe("keys across files", () => {
  it("brings a key back from the unchanged file that still holds it when the newer file drops it (item 4)", async () => {
    const a = write("subs/a.csv", `${SUBS}\nS1,A1,2024-01-01,100,1\nS2,A1,2024-01-01,5,1\n`);
    const b = write("subs/b.csv", `${SUBS}\nS1,A1,2024-01-01,90,1\n`);
    await landFile(db, contracts.crm_subscriptions, a);
    await landFile(db, contracts.crm_subscriptions, b);
    expect(await db.all("SELECT subscription_id, amount::DOUBLE AS amount FROM raw.crm_subscriptions ORDER BY 1")).toEqual([
      { subscription_id: "S1", amount: 90 },
      { subscription_id: "S2", amount: 5 },
    ]);
    write("subs/b.csv", `${SUBS}\nS3,A2,2024-01-01,7,1\n`);
    await landFile(db, contracts.crm_subscriptions, b);
    expect(
      await db.all("SELECT subscription_id, amount::DOUBLE AS amount, _source_file AS file FROM raw.crm_subscriptions ORDER BY 1"),
    ).toEqual([
      { subscription_id: "S1", amount: 100, file: a },
      { subscription_id: "S2", amount: 5, file: a },
      { subscription_id: "S3", amount: 7, file: b },
    ]);
  });

  it("lands an orphan once its account arrives in a later accounts file, though its own file is unchanged (item 5)", async () => {
    write("src/crm_subscriptions.csv", `${SUBS}\nS1,A1,2024-01-01,100,1\nS9,A9,2024-01-01,50,1\n`);
    write("src/crm_accounts/1.csv", "account_id,name\nA1,Alpha\n");
    const first = await ingest(db, findSources(join(dir, "src")));
    expect(first.find((r) => r.table === "crm_subscriptions")).toMatchObject({ landed: 1, quarantined: 1, reasons: { orphan: 1 } });
    write("src/crm_accounts/2.csv", "account_id,name\nA9,Nine\n");
    await ingest(db, findSources(join(dir, "src")));
    expect(await db.all("SELECT subscription_id FROM raw.crm_subscriptions ORDER BY 1")).toEqual([
      { subscription_id: "S1" },
      { subscription_id: "S9" },
    ]);
    expect(await count("SELECT count(*) AS n FROM quarantine.crm_subscriptions")).toBe(0);
  });

  it("keeps two usage events apart whose fields contain the separator (item 10)", async () => {
    const file = write(
      "usage.csv",
      "account_id,user_id,event_name,occurred_at\nA1,auth0|u1,feature|export,2024-01-01T00:00:00Z\nA1,auth0|u1|feature,export,2024-01-01T00:00:00Z\nA1,auth0|u1,feature|export,2024-01-01T00:00:00Z\n",
    );
    const result = await landFile(db, contracts.usage_events, file);
    // The first two are different events; the third repeats the first.
    expect(result).toMatchObject({ landed: 2, quarantined: 1, reasons: { duplicate_key: 1 } });
    expect(await db.all("SELECT _source_line AS line FROM quarantine.usage_events")).toEqual([{ line: 4 }]);
  });

  it("trims codes as it trims numbers: ' high ' is high and ' A2 ' is A2, while names keep their spaces (item 20)", async () => {
    const file = write("tickets.csv", "ticket_id,account_id,created_at,priority\n T1 , A2 ,2024-01-01T10:00:00Z, high \n");
    expect(await landFile(db, contracts.support_tickets, file)).toMatchObject({ landed: 1, quarantined: 0 });
    expect(await db.all("SELECT ticket_id, account_id, priority FROM raw.support_tickets")).toEqual([
      { ticket_id: "T1", account_id: "A2", priority: "high" },
    ]);
  });
});

describe("values that are not values", () => {
  it("quarantines dates outside 1900–2199, infinity included (item 6)", async () => {
    const file = write(
      "subs.csv",
      `${SUBS},end_date\nS1,A1,-infinity,1,1,\nS2,A1,1899-12-31,1,1,\nS3,A1,2024-01-01,1,1,infinity\nS4,A1,2024-01-01,1,1,2199-12-31\n`,
    );
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ landed: 1, quarantined: 3, reasons: { out_of_range: 3 } });
    expect(await db.all("SELECT subscription_id, column_name, message FROM quarantine.crm_subscriptions ORDER BY 1")).toEqual([
      { subscription_id: "S1", column_name: "start_date", message: "start_date must fall between 1900-01-01 and 2199-12-31" },
      { subscription_id: "S2", column_name: "start_date", message: "start_date must fall between 1900-01-01 and 2199-12-31" },
      { subscription_id: "S3", column_name: "end_date", message: "end_date must fall between 1900-01-01 and 2199-12-31" },
    ]);
  });

  it("quarantines NaN, Infinity, 1e308 and more decimals than money keeps, naming the value's column (item 13)", async () => {
    const file = write(
      "subs.csv",
      `${SUBS},quantity\nS1,A1,2024-01-01,NaN,1,1\nS2,A1,2024-01-01,Infinity,1,1\nS3,A1,2024-01-01,1e308,1,1\nS4,A1,2024-01-01,10,1,NaN\nS5,A1,2024-01-01,0.0000001,1,1\nS6,A1,2024-01-01,19.99,1,1e3\n`,
    );
    const result = await landFile(db, contracts.crm_subscriptions, file);
    expect(result).toMatchObject({ landed: 1, quarantined: 5, reasons: { bad_type: 5 } });
    expect(await db.all("SELECT subscription_id, column_name FROM quarantine.crm_subscriptions ORDER BY 1")).toEqual([
      { subscription_id: "S1", column_name: "amount" },
      { subscription_id: "S2", column_name: "amount" },
      { subscription_id: "S3", column_name: "amount" },
      { subscription_id: "S4", column_name: "quantity" },
      { subscription_id: "S5", column_name: "amount" },
    ]);
    // Money lands as DECIMAL, exactly as written.
    expect(await db.all("SELECT amount::VARCHAR AS amount, quantity::VARCHAR AS quantity FROM raw.crm_subscriptions")).toEqual([
      { amount: "19.990000", quantity: "1000.000000" },
    ]);
  });

  it("takes an instant's date in the business time zone whatever the format (item 20)", async () => {
    // 23:30 at -05:00 is 04:30 UTC the next day, 05:30 in Berlin.
    const csv = write("m.csv", "account_id,milestone,achieved_at\nA1,value_one,2024-01-01T23:30:00-05:00\n");
    await landFile(db, contracts.crm_milestones, csv, { timeZone: "UTC" });
    expect(await db.all("SELECT achieved_at::VARCHAR AS d FROM raw.crm_milestones")).toEqual([{ d: "2024-01-02" }]);
    await landFile(db, contracts.crm_milestones, csv, { timeZone: "America/New_York", force: true });
    expect(await db.all("SELECT achieved_at::VARCHAR AS d FROM raw.crm_milestones")).toEqual([{ d: "2024-01-01" }]);
    // The same instant from Parquet (TIMESTAMPTZ) lands as the same wall-clock time as from CSV.
    const parquet = join(dir, "t.parquet");
    await db.run(
      `COPY (SELECT 'T1' AS ticket_id, 'A1' AS account_id, TIMESTAMPTZ '2024-01-01 23:30:00-05:00' AS created_at) TO '${parquet}' (FORMAT parquet)`,
    );
    const csvTickets = write("t.csv", "ticket_id,account_id,created_at\nT2,A1,2024-01-01T23:30:00-05:00\n");
    await landFile(db, contracts.support_tickets, parquet, { timeZone: "Europe/Berlin" });
    await landFile(db, contracts.support_tickets, csvTickets, { timeZone: "Europe/Berlin" });
    expect(await db.all("SELECT ticket_id, created_at::VARCHAR AS at FROM raw.support_tickets ORDER BY 1")).toEqual([
      { ticket_id: "T1", at: "2024-01-02 05:30:00" },
      { ticket_id: "T2", at: "2024-01-02 05:30:00" },
    ]);
  });
});

describe("files with names and encodings of their own", () => {
  it("reads part[1].csv as itself, not as a glob that matches part1.csv (item 9)", async () => {
    write("crm_subscriptions/part1.csv", `${SUBS}\nS1,A1,2024-01-01,1,1\n`);
    write("crm_subscriptions/part[1].csv", `${SUBS}\nS2,A1,2024-01-01,2,1\n`);
    const results = await ingest(db, new Map([["crm_subscriptions", findSources(dir).get("crm_subscriptions") ?? []]]));
    const landed = results.filter((r) => r.table === "crm_subscriptions");
    expect(landed.map((r) => [r.file.replace(/^.*\//, ""), r.landed])).toEqual([
      ["part1.csv", 1],
      ["part[1].csv", 1],
    ]);
    expect(
      await db.all("SELECT subscription_id, regexp_extract(_source_file, '[^/]+$') AS file FROM raw.crm_subscriptions ORDER BY 1"),
    ).toEqual([
      { subscription_id: "S1", file: "part1.csv" },
      { subscription_id: "S2", file: "part[1].csv" },
    ]);
  });

  it("reads UTF-16 with a byte-order mark, and CR-only line ends (item 19)", async () => {
    const text = "account_id,name\r\nA5,Zoë\r\n";
    const utf16 = write("utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    expect(await landFile(db, contracts.crm_accounts, utf16)).toMatchObject({ status: "landed", landed: 1 });
    const cr = write("cr.csv", "account_id,name\rA6,Six\rA7,Seven\r");
    expect(await landFile(db, contracts.crm_accounts, cr)).toMatchObject({ status: "landed", landed: 2 });
    expect(await db.all("SELECT account_id, name, _source_line AS line FROM raw.crm_accounts WHERE account_id > 'A4' ORDER BY 1")).toEqual([
      { account_id: "A5", name: "Zoë", line: 2 },
      { account_id: "A6", name: "Six", line: 2 },
      { account_id: "A7", name: "Seven", line: 3 },
    ]);
  });

  it("names the real problem: a header with a trailing comma is read, twice-named columns and UTF-16 without a BOM are refused (item 19)", async () => {
    const trailing = write("trailing.csv", "account_id,name,\nA8,Eight,\n");
    expect(await landFile(db, contracts.crm_accounts, trailing)).toMatchObject({ status: "landed", landed: 1 });
    const twice = write("twice.csv", `${SUBS},AMOUNT\nS1,A1,2024-01-01,1,1,2\n`);
    expect((await landFile(db, contracts.crm_subscriptions, twice)).message).toBe(
      `${twice}: line 1: column 6 "AMOUNT" repeats column 4 "amount" (names are compared without case); rename or remove one`,
    );
    const noBom = write("nobom.csv", Buffer.from("account_id,name\nA9,Nine\n", "utf16le"));
    expect((await landFile(db, contracts.crm_accounts, noBom)).message).toMatch(
      /line 1: the header holds NUL bytes — the file looks like UTF-16 without a byte-order mark/,
    );
  });

  it("quarantines a record that is not UTF-8 with its line, and lands the rest", async () => {
    const file = write(
      "latin1.csv",
      Buffer.concat([Buffer.from("account_id,name\nB1,Ok\nB2,Caf"), Buffer.from([0xe9]), Buffer.from("\nB3,Fine\n")]),
    );
    const result = await landFile(db, contracts.crm_accounts, file);
    expect(result).toMatchObject({ read: 3, landed: 2, quarantined: 1, reasons: { malformed_record: 1 } });
    expect(await db.all("SELECT _source_line AS line, message FROM quarantine.crm_accounts")).toEqual([
      { line: 3, message: "the record is not valid UTF-8 text (save the file as UTF-8)" },
    ]);
  });
});
