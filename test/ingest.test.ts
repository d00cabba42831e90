import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { literal, Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { ingest } from "../pipelines/ingest.ts";
import { landFile } from "../pipelines/land.ts";
import { findSources } from "../pipelines/sources.ts";
import { cli, tempDir } from "./helpers.ts";

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const write = (path: string, content: string | Buffer) => {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), content);
  return join(dir, path);
};
const ACCOUNTS = "account_id,name,employee_count\nA1,Alpha,10\nA2,Beta,250\n";
const SUBSCRIPTIONS = [
  { subscription_id: "S1", account_id: "A1", start_date: "2024-01-15", end_date: null, amount: 100, interval_months: 1, quantity: 2 },
  {
    subscription_id: "S2",
    account_id: "A2",
    start_date: "2024-02-01",
    end_date: "2025-02-01",
    amount: 1200,
    interval_months: 12,
    quantity: 5,
  },
  { subscription_id: "S3", account_id: "A2", start_date: "2024-03-01", end_date: null, amount: 50.25, interval_months: 3, quantity: 1 },
];
const csv = (rows: Record<string, unknown>[]) => {
  const columns = Object.keys(rows[0] ?? {});
  return `${columns.join(",")}\n${rows.map((r) => columns.map((c) => r[c] ?? "").join(",")).join("\n")}\n`;
};

describe("source formats", () => {
  it("lands the same rows from .csv, .csv.gz, .ndjson, .jsonl.gz and .parquet", async () => {
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      await landFile(db, contracts.crm_accounts, write("crm_accounts.csv", ACCOUNTS));
      const csvFile = write("formats/s.csv", csv(SUBSCRIPTIONS));
      await db.run(`COPY (SELECT * FROM read_csv(${literal(csvFile)})) TO ${literal(join(dir, "formats", "s.parquet"))} (FORMAT parquet)`);
      const ndjson = SUBSCRIPTIONS.map((r) => JSON.stringify(r)).join("\n");
      const files = [
        csvFile,
        write("formats/s.csv.gz", gzipSync(csv(SUBSCRIPTIONS))),
        write("formats/s.ndjson", ndjson),
        write("formats/s.jsonl.gz", gzipSync(ndjson)),
        join(dir, "formats", "s.parquet"),
      ];
      const landedRows = [];
      for (const file of files) {
        const result = await landFile(db, contracts.crm_subscriptions, file);
        expect(result, file).toMatchObject({ status: "landed", read: 3, landed: 3, quarantined: 0 });
        landedRows.push(
          await db.all(
            "SELECT subscription_id, account_id, start_date, end_date, amount, interval_months, quantity, discount, _source_line AS line FROM raw.crm_subscriptions WHERE _source_file = $1 ORDER BY 1",
            [file],
          ),
        );
        // Keys upsert across files: each format's file replaces the previous one's rows.
        expect(await db.all("SELECT count(*) AS n FROM raw.crm_subscriptions")).toEqual([{ n: 3 }]);
      }
      const csvLines = [2, 3, 4];
      expect(landedRows[0]).toEqual(SUBSCRIPTIONS.map((s, i) => ({ ...s, end_date: s.end_date, discount: 0, line: csvLines[i] })));
      for (const rows of landedRows.slice(1, 2)) expect(rows).toEqual(landedRows[0]);
      // NDJSON and Parquet count records from 1: there is no header line.
      for (const rows of landedRows.slice(2)) expect(rows).toEqual(landedRows[0]?.map((r) => ({ ...r, line: (r.line as number) - 1 })));
    } finally {
      db.close();
    }
  });

  it("quarantines a JSON value of the wrong type instead of refusing the file", async () => {
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      await landFile(db, contracts.crm_accounts, write("crm_accounts.csv", ACCOUNTS));
      const lines = [
        JSON.stringify(SUBSCRIPTIONS[0]),
        JSON.stringify({ ...SUBSCRIPTIONS[1], amount: "a lot" }),
        JSON.stringify({ ...SUBSCRIPTIONS[2], start_date: 20240301 }),
      ];
      const result = await landFile(db, contracts.crm_subscriptions, write("s.ndjson", lines.join("\n")));
      expect(result).toMatchObject({ landed: 1, quarantined: 2, reasons: { bad_type: 2 } });
      expect(
        await db.all("SELECT _source_line AS line, column_name, amount, start_date FROM quarantine.crm_subscriptions ORDER BY 1"),
      ).toEqual([
        { line: 2, column_name: "amount", amount: "a lot", start_date: "2024-02-01" },
        { line: 3, column_name: "start_date", amount: "50.25", start_date: "20240301" },
      ]);
    } finally {
      db.close();
    }
  });

  it("quarantines records that cannot be split into columns, with their line and text, and keeps later lines right", async () => {
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      const file = write(
        "crm_accounts.csv",
        ["account_id,name", "A1,Alpha", "A2", "A3,Gamma,extra", "A4,Delta", "A5,", "A6,Zeta"].join("\n"),
      );
      const result = await landFile(db, contracts.crm_accounts, file);
      expect(result).toMatchObject({ read: 6, landed: 3, quarantined: 3, reasons: { malformed_record: 2, missing_value: 1 } });
      expect(await db.all("SELECT account_id, _source_line AS line FROM raw.crm_accounts ORDER BY 1")).toEqual([
        { account_id: "A1", line: 2 },
        { account_id: "A4", line: 5 },
        { account_id: "A6", line: 7 },
      ]);
      const quarantined = await db.all<{ line: number; reason: string; raw_record: string | null; account_id: string | null }>(
        "SELECT _source_line AS line, reason, raw_record, account_id FROM quarantine.crm_accounts ORDER BY 1",
      );
      expect(quarantined.map((q) => [q.line, q.reason, q.raw_record ?? q.account_id])).toEqual([
        [3, "malformed_record", "A2"],
        [4, "malformed_record", "A3,Gamma,extra"],
        [6, "missing_value", "A5"],
      ]);
    } finally {
      db.close();
    }
  });
});

describe("a sources folder", () => {
  it("lands a folder of daily drops as one table, file by file", async () => {
    write("src/crm_accounts.csv", ACCOUNTS);
    write(
      "src/usage_events/2024-01-01.csv",
      "account_id,user_id,event_name,occurred_at,event_id\nA1,u1,login,2024-01-01T09:00:00Z,e1\nA1,u2,login,2024-01-01T10:00:00Z,e2\n",
    );
    write(
      "src/usage_events/2024-01-02.csv.gz",
      gzipSync("account_id,user_id,event_name,occurred_at,event_id\nA2,u9,export_run,2024-01-02T11:00:00Z,e3\n"),
    );
    write("src/usage_events/notes.txt", "not a data file");
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      const results = await ingest(db, findSources(join(dir, "src")));
      expect(results.filter((r) => r.table === "usage_events").map((r) => [r.file.split("/").at(-1), r.landed])).toEqual([
        ["2024-01-01.csv", 2],
        ["2024-01-02.csv.gz", 1],
      ]);
      // Tables with no file exist, empty, so everything downstream can say "no data".
      expect(await db.all("SELECT count(*) AS n FROM raw.support_tickets")).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
  });

  it("builds with only a CRM account export: every page says there is no data yet, nothing fails", () => {
    write("src/crm_accounts.csv", ACCOUNTS);
    const build = cli(["build", "--sources", join(dir, "src")], dir);
    expect(build.status).toBe(0);
    expect(build.stderr).toContain("warning: no file for crm_subscriptions: it stays as it was (empty on a new warehouse)");
    expect(build.stderr.match(/warning: no file for/g)?.length).toBe(9);
    // Board: the trend, the bridge and its table, NRR by segment, the retention table, and ARR at risk (chart and table).
    expect(readFileSync(join(dir, "site", "board.html"), "utf8").match(/No data for this yet/g)?.length).toBe(7);
    expect(readFileSync(join(dir, "site", "icp.html"), "utf8")).toContain("No retention base yet");
    const query = cli(["query", "arr,nrr", "--format", "json"], dir);
    expect(query.status).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([]);
  });
});

describe("bellwether ingest", () => {
  it("prints a summary per table and exits 0 with quarantined rows, 1 with --strict", () => {
    write("src/crm_accounts.csv", ACCOUNTS);
    write("src/crm_subscriptions.csv", csv([...SUBSCRIPTIONS, { ...SUBSCRIPTIONS[0], subscription_id: "S4", account_id: "A9" }]));
    const first = cli(["ingest", "--dir", join(dir, "src")], dir);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/crm_subscriptions\s+1\s+0\s+0\s+4\s+3\s+1\s+orphan 1/);
    const again = cli(["ingest", "--dir", join(dir, "src"), "--strict"], dir);
    // Unchanged files are skipped, so nothing new was quarantined: --strict passes.
    expect(again.stderr).toMatch(/crm_subscriptions\s+1\s+1\s+0\s+0\s+0\s+0/);
    expect(again.status).toBe(0);
    write("src/crm_subscriptions.csv", csv([...SUBSCRIPTIONS, { ...SUBSCRIPTIONS[0], subscription_id: "S5", account_id: "A8" }]));
    const strict = cli(["ingest", "--dir", join(dir, "src"), "--strict"], dir);
    expect(strict.status).toBe(1);
  });

  it("refuses a folder whose entries nothing would read, naming each with the name it meant, and lands nothing", () => {
    write("src/crm_accounts.csv", ACCOUNTS);
    write("src/Crm_Subscriptions.csv", csv(SUBSCRIPTIONS));
    write("src/crm_contact.csv", "contact_id,account_id\nC1,A1\n");
    write("src/Stripe/subscription.csv", "id\n");
    write("src/README.md", "what is where\n");
    const refused = cli(["ingest", "--dir", join(dir, "src")], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${join(dir, "src")}: entries nothing would read:
  Crm_Subscriptions.csv: no table or format has that name — did you mean crm_subscriptions.csv?
  Stripe/: no table or format has that name — did you mean stripe/?
  crm_contact.csv: no table or format has that name — did you mean crm_contacts.csv?
Nothing was landed.`);
    expect(existsSync(join(dir, "warehouse.duckdb"))).toBe(false);
    // Data nobody could mean as a table is named, not refused; a README is not data.
    rmSync(join(dir, "src", "Crm_Subscriptions.csv"));
    rmSync(join(dir, "src", "crm_contact.csv"));
    rmSync(join(dir, "src", "Stripe"), { recursive: true });
    write("src/archive/old.csv", "x\n");
    const named = cli(["ingest", "--dir", join(dir, "src")], dir);
    expect(named.status).toBe(0);
    expect(named.stderr).toContain(`warning: ${join(dir, "src", "archive")}/: not read (no table or vendor format has that name)`);
    expect(named.stderr).not.toContain("README");
  });

  it("reads a folder named exports[1] as that folder, not as a glob that matches its sibling exports1", async () => {
    write("exports[1]/crm_accounts.csv", "account_id,name\nA1,Literal\n");
    write("exports1/crm_accounts.csv", "account_id,name\nB1,Sibling\nB2,Sibling\n");
    expect(cli(["ingest", "--dir", join(dir, "exports[1]")], dir).status).toBe(0);
    const db = await Warehouse.openReadOnly(join(dir, "warehouse.duckdb"));
    try {
      expect(await db.all("SELECT account_id, name FROM raw.crm_accounts")).toEqual([{ account_id: "A1", name: "Literal" }]);
    } finally {
      await db.close();
    }
  });

  it("names a landed file that is no longer in the folder, and says its rows stay, until it is forgotten", async () => {
    write("src/crm_accounts.csv", ACCOUNTS);
    write("src/crm_subscriptions/2024-01.csv", csv(SUBSCRIPTIONS.slice(0, 2)));
    write("src/crm_subscriptions/2024-02.csv", csv(SUBSCRIPTIONS.slice(2)));
    expect(cli(["ingest", "--dir", join(dir, "src")], dir).status).toBe(0);
    const gone = join(dir, "src", "crm_subscriptions", "2024-01.csv");
    rmSync(gone);
    const again = cli(["ingest", "--dir", join(dir, "src")], dir);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(
      `warning: crm_subscriptions: ${gone} was landed and is no longer there: its 2 row(s) stay in raw.crm_subscriptions, as they do when exports are rotated`,
    );
    // status names it too, rather than calling the table fresh.
    const status = cli(["status", "--format", "json"], dir);
    const raw = (JSON.parse(status.stdout) as { asset: string; state: string; reasons: string[] }[]).find(
      (r) => r.asset === "raw.crm_subscriptions",
    );
    expect(raw?.state).toBe("stale");
    expect(raw?.reasons).toContain(`landed file(s) no longer in their folder, their rows kept: ${gone}`);
    // Forgotten on purpose: its two rows go, the other file's stay, and nobody names it again.
    const forgot = cli(["ingest", "--forget", gone], dir);
    expect(forgot.status).toBe(0);
    expect(forgot.stderr).toContain(
      `Forgot ${gone} in crm_subscriptions: 2 row(s) of raw.crm_subscriptions and 0 quarantined row(s) removed; its loads are marked forgotten.`,
    );
    const after = cli(["ingest", "--dir", join(dir, "src")], dir);
    expect(after.stderr).not.toContain("no longer there");
    const db = await Warehouse.openReadOnly(join(dir, "warehouse.duckdb"));
    try {
      expect(await db.all("SELECT DISTINCT _source_file AS file FROM raw.crm_subscriptions")).toEqual([
        { file: join(dir, "src", "crm_subscriptions", "2024-02.csv") },
      ]);
    } finally {
      await db.close();
    }
  });

  it("names a vanished file even when its table has no file left at all", () => {
    const file = write("only/crm_accounts.csv", ACCOUNTS);
    expect(cli(["ingest", "--dir", join(dir, "only")], dir).status).toBe(0);
    rmSync(file);
    const again = cli(["ingest", "--dir", join(dir, "only")], dir);
    expect(again.stderr).toContain(`warning: crm_accounts: ${file} was landed and is no longer there`);
  });

  it("forgets a file that took a key from an older one: the older row comes back; an unknown file is refused", async () => {
    write("a/crm_accounts.csv", "account_id,name\nA1,First\n");
    write("b/crm_accounts.csv", "account_id,name\nA1,Second\nA2,Two\n");
    expect(cli(["ingest", "--dir", join(dir, "a")], dir).status).toBe(0);
    expect(cli(["ingest", "--dir", join(dir, "b")], dir).status).toBe(0);
    const forgot = cli(["ingest", "--forget", join(dir, "b", "crm_accounts.csv")], dir);
    expect(forgot.status).toBe(0);
    expect(forgot.stderr).toContain("is still there: the next ingest of its folder lands it again");
    const db = await Warehouse.openReadOnly(join(dir, "warehouse.duckdb"));
    try {
      expect(await db.all("SELECT account_id, name FROM raw.crm_accounts ORDER BY 1")).toEqual([{ account_id: "A1", name: "First" }]);
      expect(await db.all("SELECT count(*) AS n FROM shadow.crm_accounts")).toEqual([{ n: 0 }]);
      expect(await db.all("SELECT status FROM meta.loads WHERE file = $1", [join(dir, "b", "crm_accounts.csv")])).toEqual([
        { status: "forgotten" },
      ]);
    } finally {
      await db.close();
    }
    const unknown = cli(["ingest", "--forget", join(dir, "nowhere.csv")], dir);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`${join(dir, "nowhere.csv")}: no landed load of this file`);
  });

  it("lands a glob given with --source and refuses a file missing a required column with exit 1", () => {
    write("crm/accounts-1.csv", "account_id,name\nA1,Alpha\n");
    write("crm/accounts-2.csv", "account_id,name\nA2,Beta\n");
    const globbed = cli(["ingest", "--source", `crm_accounts=${join(dir, "crm", "accounts-*.csv")}`], dir);
    expect(globbed.status).toBe(0);
    expect(globbed.stderr).toMatch(/crm_accounts\s+2\s+0\s+0\s+2\s+2\s+0/);
    const bad = write("bad/subs.csv", "subscription_id,account_id,amount\nS1,A1,10\n");
    const refused = cli(["ingest", "--source", `crm_subscriptions=${bad}`], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `error: ${bad}: missing required columns start_date, interval_months for crm_subscriptions (the file has "subscription_id", "account_id", "amount"); nothing from this file was landed`,
    );
  });

  it("explains misuse with exit 2", () => {
    const result = cli(["ingest", "--source", "nonsense"], dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--source takes TABLE=PATH_OR_GLOB");
  });
});

describe("a copy of the sample with broken rows", () => {
  it("lands every good row, quarantines every bad one with its reason, and read = landed + quarantined per file", async () => {
    const { generateSample } = await import("../pipelines/sample/generate.ts");
    const { appendFileSync, readdirSync } = await import("node:fs");
    const src = join(dir, "sample");
    const files = await generateSample({ out: src, accounts: 25, months: 12, seed: 5 });
    const rowsOf = (table: string) => files.find((f) => f.table === table && f.path.endsWith(".csv"))?.rows ?? 0;
    appendFileSync(
      join(src, "crm_subscriptions.csv"),
      "SBAD1,A00001,Core,Growth,2024-13-40,,100,1,1,0,USD\nSBAD2,NOPE,Core,Growth,2024-01-01,,100,1,1,0,USD\n",
    );
    appendFileSync(join(src, "support_tickets.csv"), "TBAD1,A00002,2024-01-01T10:00:00Z,,,critical,open,bug,,\n");
    appendFileSync(join(src, "survey_responses.csv"), "RBAD1,A00003,,nps,12,,2024-01-01\nRBAD2,A00003,,ces,9,,2024-01-01\n");
    appendFileSync(join(src, "usage_events.csv"), "A00004,u1,login,not-a-time,EBAD1\n");
    const broken = { crm_subscriptions: 2, support_tickets: 1, survey_responses: 2, usage_events: 1 } as Record<string, number>;

    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      const results = await ingest(db, findSources(src));
      expect(results.map((r) => r.table).sort()).toEqual(
        readdirSync(src)
          .filter((f) => f.endsWith(".csv"))
          .map((f) => f.replace(".csv", ""))
          .sort(),
      );
      for (const r of results) {
        expect(r.status, r.table).toBe("landed");
        expect(r.read, r.table).toBe(r.landed + r.quarantined);
        expect(r.landed, r.table).toBe(rowsOf(r.table));
        expect(r.quarantined, r.table).toBe(broken[r.table] ?? 0);
      }
      expect(await db.all("SELECT reason, count(*) AS n FROM quarantine.crm_subscriptions GROUP BY ALL ORDER BY 1")).toEqual([
        { reason: "bad_type", n: 1 },
        { reason: "orphan", n: 1 },
      ]);
      const loads = await db.all<{ ok: boolean }>("SELECT rows_read = rows_landed + rows_quarantined AS ok FROM meta.loads");
      expect(loads.length).toBe(10);
      expect(loads.every((l) => l.ok)).toBe(true);
    } finally {
      db.close();
    }
  });
});
