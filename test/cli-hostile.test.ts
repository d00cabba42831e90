import { spawn } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spreadsheetLine } from "../core/csv.ts";
import { escapeHtml } from "../dashboards/html.ts";
import { cli, ROOT, tempDir } from "./helpers.ts";

// Issue 12, items 16–18 and 20: the command line with values, warehouses and names a real user has.
const work = tempDir("bellwether-cli-");
const dir = work.dir;
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>[];

beforeAll(() => {
  const sources = join(dir, "exports");
  mkdirSync(sources);
  // Three accounts; two owners have commas in their names, one account's name is a spreadsheet formula.
  writeFileSync(
    join(sources, "crm_accounts.csv"),
    [
      "account_id,name,employee_count,owner_csm",
      'A1,"=HYPERLINK(""http://evil.example"",""x"")",10,"Kowalski, Alex"',
      'A2,Two,20,"Doe, Jane"',
      "A3,Three,5000,Smith",
      "A4,Four,50,=1+2",
    ].join("\n"),
  );
  // ARR from January 2024: A1 1,200; A2 2,400 (churns in February); A3 12,000; A4 12 from March.
  writeFileSync(
    join(sources, "crm_subscriptions.csv"),
    [
      "subscription_id,account_id,start_date,end_date,amount,interval_months",
      "S1,A1,2024-01-01,,100,1",
      "S2,A2,2024-01-01,2024-02-01,200,1",
      "S3,A3,2024-01-01,,1000,1",
      "S4,A4,2024-03-01,,1,1",
    ].join("\n"),
  );
  const built = cli(["build", "--sources", sources, "--quiet"], dir);
  if (built.status !== 0) throw new Error(built.stderr);
});
afterAll(() => work.cleanup());

describe("--where (item 16)", () => {
  it("ORs repeated values of one dimension, ANDs dimensions, and takes values with commas", () => {
    const both = cli(
      ["query", "arr", "--to", "2024-01-31", "--where", "owner_csm=Kowalski, Alex", "--where", "owner_csm=Smith", "--format", "json"],
      dir,
    );
    expect(both.stderr).toBe("");
    expect(json(both.stdout)).toEqual([{ period: "2024-01-31", arr: 13_200 }]);
    // SMB (under 100 employees) AND Smith: nobody.
    const none = cli(
      ["query", "arr", "--to", "2024-01-31", "--where", "segment=SMB", "--where", "owner_csm=Smith", "--format", "json"],
      dir,
    );
    expect(none.status).toBe(0);
    expect(json(none.stdout)).toEqual([]);
    const smb = cli(
      ["query", "arr", "--to", "2024-01-31", "--where", "segment=SMB", "--where", "owner_csm=Doe, Jane", "--format", "json"],
      dir,
    );
    expect(json(smb.stdout)).toEqual([{ period: "2024-01-31", arr: 2_400 }]);
  });

  it("prints a dimension asked for twice once (item 20)", () => {
    const result = cli(["query", "arr", "--by", "segment,segment", "--to", "2024-01-31", "--format", "csv"], dir);
    expect(result.stdout.split("\n")[0]).toBe("period,segment,arr");
  });
});

describe("reading a warehouse (item 17)", () => {
  it("names the closest command to a mistyped one, and lists every command in the overview", () => {
    const mistyped = cli(["querry", "arr"], dir);
    expect(mistyped.status).toBe(2);
    expect(mistyped.stderr).toContain('unknown command "querry" — did you mean "query"?');
    const overview = cli(["--help"], dir).stdout;
    for (const name of ["build", "query", "status", "init", "mappings"]) expect(overview).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
  });

  it("never creates a warehouse a mistyped --warehouse names", () => {
    const result = cli(["query", "arr", "--warehouse", join(dir, "wharehouse.duckdb")], dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("no warehouse here; run `bellwether build` first");
    expect(existsSync(join(dir, "wharehouse.duckdb"))).toBe(false);
  });

  it("runs six queries side by side and leaves the file untouched", async () => {
    const file = join(dir, "warehouse.duckdb");
    const before = statSync(file).mtimeMs;
    const runs = Array.from(
      { length: 6 },
      () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [join(ROOT, "bin", "bellwether.js"), "query", "arr", "--format", "json"], { cwd: dir });
          let out = "";
          child.stdout.on("data", (d) => (out += d));
          child.on("close", (code) => resolve({ code, out }));
        }),
    );
    const results = await Promise.all(runs);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(new Set(results.map((r) => r.out)).size).toBe(1);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(existsSync(`${file}.wal`)).toBe(false);
  });

  it("waits a bounded time while a run holds the warehouse, then names it", async () => {
    const file = join(dir, "warehouse.duckdb");
    // A writer that holds the file and says so, as `bellwether run` does.
    const holder = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("${join(ROOT, "core", "warehouse.ts")}").then(async ({ Warehouse }) => {
           const { noteRunner } = await import("${join(ROOT, "core", "run-lock.ts")}");
           const db = await Warehouse.open(${JSON.stringify(file)}); noteRunner(${JSON.stringify(file)}, "run");
           console.log("holding"); setTimeout(() => { db.close(); process.exit(0); }, 8000);
         })`,
      ],
      { cwd: ROOT },
    );
    await new Promise<void>((resolve) => holder.stdout.on("data", (d) => String(d).includes("holding") && resolve()));
    const waited = cli(["query", "arr", "--wait", "1"], dir);
    holder.kill("SIGKILL");
    expect(waited.status).toBe(1);
    expect(waited.stderr).toMatch(new RegExp(`the warehouse is being written by bellwether run \\(PID ${holder.pid}.*waited 1 s`));
  });
});

describe("what a spreadsheet would run (item 18)", () => {
  it("neutralises text that starts with = + - @ (or a tab or CR); numbers stay numbers", () => {
    expect(spreadsheetLine(["=SUM(A1)", "+1", "-x", "@cmd", "\tx", "plain", -1200, 0.5, null])).toBe(
      `'=SUM(A1),'+1,'-x,'@cmd,'\tx,plain,-1200,0.5,`,
    );
  });

  it("writes a value from the export as text in the CSV the CLI prints", () => {
    const result = cli(
      ["query", "arr,churned_arr", "--by", "owner_csm", "--to", "2024-03-31", "--grain", "quarter", "--format", "csv"],
      dir,
    );
    // A2 churned in February: -2,400 stays a number; the owner "=1+2" cannot become a formula.
    expect(result.stdout.split("\n")).toEqual(expect.arrayContaining(['2024-03-31,"Doe, Jane",0,-2400', "2024-03-31,'=1+2,12,0"]));
  });
});

describe("misuse is exit 2 with a sentence, never a stack trace (item 20)", () => {
  it("refuses --window 1e20 and an --out that is a folder", () => {
    const window = cli(["query", "nrr", "--window", "100000000000000000000"], dir);
    expect(window.status).toBe(2);
    expect(window.stderr).toBe('bellwether: --window must be a whole number from 1 to 600, got "100000000000000000000"\n');
    const out = cli(["query", "arr", "--format", "csv", "--out", dir], dir);
    expect(out.status).toBe(2);
    expect(out.stderr).toBe(`bellwether: --out must name a file, and ${dir} is a folder\n`);
  });

  it("shows a NUL in a name as U+FFFD, never raw in HTML", () => {
    expect(escapeHtml("Acme\u0000<b>")).toBe("Acme\uFFFD&lt;b&gt;");
  });
});
