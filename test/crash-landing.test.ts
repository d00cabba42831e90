import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { ingest } from "../pipelines/ingest.ts";
import { cli, ROOT, tempDir } from "./helpers.ts";

// Issue 12, item 7: a process killed while a load commits leaves the file fully landed and recorded, or not at all.
let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const ACCOUNTS = "account_id,name\nA1,One\nA2,Two\n";
const events = (tag: string, n: number) =>
  `event_id,account_id,user_id,event_name,occurred_at\n${Array.from(
    { length: n },
    (_, i) => `${tag}-${i},A${(i % 2) + 1},u${i % 97},feature_${i % 7},2024-0${1 + (i % 9)}-1${i % 10}T10:00:00Z`,
  ).join("\n")}\n`;

describe("a load interrupted while it commits", () => {
  it("lands again a file whose meta row survived while its rows were lost (the state a SIGKILL left)", async () => {
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      writeFileSync(join(dir, "crm_accounts.csv"), ACCOUNTS);
      const file = join(dir, "usage_events.csv");
      writeFileSync(file, events("v1", 4));
      await ingest(
        db,
        new Map([
          ["crm_accounts", [join(dir, "crm_accounts.csv")]],
          ["usage_events", [file]],
        ]),
      );
      // v2 was being landed when the process died: its meta row is there, its rows are not.
      writeFileSync(file, events("v2", 6));
      const { createHash } = await import("node:crypto");
      const { readFileSync } = await import("node:fs");
      const hash = createHash("sha256").update(readFileSync(file)).digest("hex");
      await db.run(
        "INSERT INTO meta.loads VALUES ('lost', 'usage_events', $1, $2, 0, 6, 6, 0, 'landed', NULL, now()::TIMESTAMP + INTERVAL 1 SECOND, 0, 0, NULL, NULL, NULL, 0)",
        [file, hash],
      );
      const again = await ingest(db, new Map([["usage_events", [file]]]));
      expect(again).toMatchObject([{ table: "usage_events", status: "landed", landed: 6 }]);
      expect(await db.all("SELECT count(*) AS n, min(event_id) AS first FROM raw.usage_events")).toEqual([{ n: 6, first: "v2-0" }]);
      expect(
        await db.all("SELECT status, count(*) AS n FROM meta.loads WHERE table_name = 'usage_events' GROUP BY status ORDER BY 1"),
      ).toEqual([
        { status: "damaged", n: 2 },
        { status: "landed", n: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it("replaces rows that have no load record, and brings back a key left only in shadow", async () => {
    const db = await Warehouse.open(join(dir, "w.duckdb"));
    try {
      writeFileSync(join(dir, "a.csv"), "account_id,name\nA1,First\n");
      writeFileSync(join(dir, "b.csv"), "account_id,name\nA1,Second\nA2,Two\n");
      await ingest(db, new Map([["crm_accounts", [join(dir, "a.csv"), join(dir, "b.csv")]]]));
      // b.csv's load record is gone (its commit half-applied): its rows are unaccounted for.
      await db.run("DELETE FROM meta.loads WHERE file = $1", [join(dir, "b.csv")]);
      await ingest(db, new Map([["crm_accounts", [join(dir, "a.csv")]]]));
      // b.csv is read again from disk (it still exists) and wins A1 again; nothing is lost or doubled.
      expect(await db.all("SELECT account_id, name FROM raw.crm_accounts ORDER BY 1")).toEqual([
        { account_id: "A1", name: "Second" },
        { account_id: "A2", name: "Two" },
      ]);
      expect(await db.all("SELECT account_id, name FROM shadow.crm_accounts")).toEqual([{ account_id: "A1", name: "First" }]);
    } finally {
      db.close();
    }
  });

  it("is whole after SIGKILL at any point of a changed file's load, once the next ingest has run", async () => {
    writeFileSync(join(dir, "crm_accounts.csv"), ACCOUNTS);
    const file = join(dir, "usage_events.csv");
    writeFileSync(file, events("v1", 60_000));
    expect(cli(["ingest", "--dir", dir, "--quiet"], dir).status).toBe(0);
    writeFileSync(file, events("v2", 60_000));
    // How long a load takes here, then kills spread over it (the commit is its last part).
    const started = performance.now();
    expect(cli(["ingest", "--dir", dir, "--quiet", "--warehouse", join(dir, "timing.duckdb")], dir).status).toBe(0);
    const took = performance.now() - started;
    for (const fraction of [0.6, 0.85, 0.97]) {
      const child = spawn(process.execPath, [join(ROOT, "bin", "bellwether.js"), "ingest", "--dir", dir, "--quiet"], { cwd: dir });
      const exited = new Promise((resolve) => child.on("close", resolve));
      await new Promise((resolve) => setTimeout(resolve, took * fraction));
      child.kill("SIGKILL");
      await exited;
      expect(cli(["ingest", "--dir", dir, "--quiet"], dir).status).toBe(0);
      const db = await Warehouse.open(join(dir, "warehouse.duckdb"));
      try {
        expect(
          await db.all("SELECT count(*) AS n, count(*) FILTER (WHERE event_id LIKE 'v2-%') AS v2 FROM raw.usage_events"),
          `killed at ${fraction}`,
        ).toEqual([{ n: 60_000, v2: 60_000 }]);
        const [latest] = await db.all<{ rows_landed: number; load_id: string }>(
          "SELECT rows_landed, load_id FROM meta.loads WHERE table_name = 'usage_events' AND status = 'landed' ORDER BY started_at DESC LIMIT 1",
        );
        expect(latest?.rows_landed).toBe(60_000);
        expect(await db.all("SELECT count(DISTINCT _load_id) AS loads FROM raw.usage_events")).toEqual([{ loads: 1 }]);
      } finally {
        db.close();
      }
      // Back to v1 landed, v2 on disk, for the next kill.
      writeFileSync(file, events("v1", 60_000));
      expect(cli(["ingest", "--dir", dir, "--quiet"], dir).status).toBe(0);
      writeFileSync(file, events("v2", 60_000));
    }
  });

  it("commits all of a transaction or none of it when killed inside the COMMIT (DuckDB's optimistic writes are off)", async () => {
    // bench/duckdb-kill-commit.ts: with them on, a kill in the first ~10 ms of this COMMIT kept the rows and lost the load row.
    const rows = 3_000_000;
    for (const after of [2, 4, 6, 8, 10, 400]) {
      const path = join(dir, `kill-${after}.duckdb`);
      spawnSync(process.execPath, [
        "--import",
        "tsx",
        join(ROOT, "test", "support", "kill-in-commit.ts"),
        path,
        String(rows),
        String(after),
      ]);
      const db = await Warehouse.open(path);
      try {
        const [state] = await db.all<{ rows: number; loads: number }>(
          "SELECT (SELECT count(*) FROM raw.t) AS rows, (SELECT count(*) FROM meta.loads) AS loads",
        );
        expect(
          [
            { rows: 0, loads: 0 },
            { rows, loads: 1 },
          ],
          `killed ${after} ms into the COMMIT`,
        ).toContainEqual(state);
      } finally {
        db.close();
      }
    }
  }, 120_000);
});
