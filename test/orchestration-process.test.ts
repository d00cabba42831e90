import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { cli, FIXTURES, ROOT, tempDir } from "./helpers.ts";

const BIN = join(ROOT, "bin", "bellwether.js");

interface Child {
  status: Promise<number | null>;
  output: () => string;
  kill(signal: NodeJS.Signals): void;
  pid: number;
}

/** Starts the real executable; `until` resolves when its output contains the text. */
function start(args: string[], cwd: string): Child & { until(text: string, ms?: number): Promise<void> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd });
  let output = "";
  const waiters: { text: string; resolve(): void }[] = [];
  const listen = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters.filter((w) => output.includes(w.text))) w.resolve();
  };
  child.stdout.on("data", listen);
  child.stderr.on("data", listen);
  const status = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    status,
    pid: child.pid ?? -1,
    output: () => output,
    kill: (signal) => child.kill(signal),
    until: (text, ms = 60_000) =>
      new Promise<void>((resolve, reject) => {
        if (output.includes(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for "${text}"; output so far:\n${output}`)), ms);
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      }),
  };
}

async function snapshot(warehouse: string) {
  const db = await Warehouse.open(warehouse);
  try {
    return {
      arr: await db.all("SELECT account_id, month_index, arr FROM marts.account_months ORDER BY 1, 2"),
      movements: await db.one<{ n: number }>("SELECT count(*) AS n FROM marts.arr_movements"),
      building: await db.all("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%building%'"),
      runs: await db.all<{ status: string }>("SELECT status FROM meta.runs ORDER BY started_at"),
    };
  } finally {
    db.close();
  }
}

describe("runs as separate processes, on the sample", () => {
  const work = tempDir("bellwether-orchestration-");
  const dir = work.dir;
  const sources = join(dir, ".bellwether", "sample");
  beforeAll(() => {
    const built = cli(["build", "--sample", "--quiet"], dir);
    if (built.status !== 0) throw new Error(built.stderr);
  });
  afterAll(() => work.cleanup());

  it("survives SIGKILL in the middle of a run: the last good warehouse and site stay readable, and the next run recovers", async () => {
    const warehouse = join(dir, "warehouse.duckdb");
    const before = await snapshot(warehouse);
    const page = readFileSync(join(dir, "site", "board.html"), "utf8");
    // Nothing changed since the last run: --full-refresh makes it rebuild, so there is a run to kill.
    const run = start(["run", "--sources", sources, "--full-refresh"], dir);
    await run.until("marts.account_months");
    run.kill("SIGKILL");
    await run.status;

    const after = await snapshot(warehouse);
    expect(after.arr).toEqual(before.arr);
    expect(after.movements).toEqual(before.movements);
    expect(readFileSync(join(dir, "site", "board.html"), "utf8")).toBe(page);
    expect(after.runs.at(-1)?.status).toBe("running");

    const next = cli(["run", "--sources", sources, "--quiet"], dir);
    expect(next.stderr).not.toMatch(/error/i);
    expect(next.status).toBe(0);
    const recovered = await snapshot(warehouse);
    expect(recovered.runs.map((r) => r.status).slice(-2)).toEqual(["abandoned", "succeeded"]);
    expect(recovered.building).toEqual([]);
    expect(recovered.arr).toEqual(before.arr);
    expect(readdirSync(dir).filter((f) => f.startsWith("site."))).toEqual([]);
    expect(existsSync(join(dir, "site", "board.html"))).toBe(true);
  });

  it("publishes a run's models as one set: killed after account_months is built, the bridge still matches it (issue 12, item 8)", async () => {
    // New numbers: an extra $1.2M line for the first account makes every month's ARR differ from the last run.
    // Inside the sample's folder, so the warehouse (built from the sample) takes it as the sample's.
    const copy = join(dir, "copy-of-sample");
    cpSync(sources, copy, { recursive: true });
    const changed = join(sources, "changed");
    cpSync(copy, changed, { recursive: true });
    appendFileSync(join(changed, "crm_subscriptions.csv"), "ZZ0001,A00001,Core,Starter,2023-01-01,,100000,1,1,0,USD\n");
    const warehouse = join(dir, "warehouse.duckdb");
    const before = await snapshot(warehouse);
    const run = start(["run", "--sources", changed], dir);
    // arr_movements starts only after account_months was built and tested.
    await run.until("marts.arr_movements");
    run.kill("SIGKILL");
    await run.status;
    const db = await Warehouse.open(warehouse);
    try {
      // Every month of the bridge closes on the ARR account_months holds: both are the last run's.
      const mismatched = await db.one<{ n: number }>(`SELECT count(*) AS n FROM marts.arr_bridge b
        JOIN (SELECT month_index, sum(arr) AS arr FROM marts.account_months GROUP BY month_index) a USING (month_index)
        WHERE a.arr <> b.closing_arr`);
      expect(mismatched?.n).toBe(0);
      expect(await db.all("SELECT account_id, month_index, arr FROM marts.account_months ORDER BY 1, 2")).toEqual(before.arr);
    } finally {
      db.close();
    }
    // The next run publishes the new set whole: $1.2M more ARR in the last month, and the bridge still closes.
    expect(cli(["run", "--sources", changed, "--quiet"], dir).status).toBe(0);
    const after = await Warehouse.open(warehouse);
    try {
      const [last] = await after.all<{ added: number; mismatched: number }>(`
        WITH book AS (SELECT month_index, sum(arr) AS arr FROM marts.account_months GROUP BY month_index),
        newest AS (SELECT max(month_index) AS m FROM marts.months)
        SELECT book.arr - b.closing_arr AS mismatched, book.arr AS arr
        FROM book JOIN marts.arr_bridge b USING (month_index) JOIN newest ON book.month_index = newest.m`);
      expect(last?.mismatched).toBe(0);
      const newest = Math.max(...before.arr.map((r) => Number(r.month_index)));
      const was = before.arr.filter((r) => Number(r.month_index) === newest).reduce((sum, r) => sum + Number(r.arr), 0);
      expect(Math.round(Number((last as { arr?: number } | undefined)?.arr) - was)).toBe(1_200_000);
    } finally {
      after.close();
    }
  });

  it("lets one run write at a time: a second is refused, naming the first, and nothing is corrupted", async () => {
    const first = start(["run", "--sources", sources], dir);
    await first.until("Landing sources");
    const second = cli(["run", "--sources", sources], dir);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`the warehouse is in use: bellwether run (PID ${first.pid}`);
    expect(await first.status).toBe(0);
    const status = cli(["status", "--format", "json"], dir);
    expect(status.status).toBe(0);
    const assets = JSON.parse(status.stdout) as { asset: string; state: string; reasons: string[] }[];
    expect(assets.filter((a) => a.state !== "fresh")).toEqual([]);
  });
});

describe("bellwether schedule", () => {
  it("refreshes the warehouse and site when a new export lands, and stops cleanly on SIGTERM", async () => {
    const work = tempDir("bellwether-schedule-");
    try {
      const exports = join(work.dir, "exports");
      cpSync(join(FIXTURES, "health"), exports, { recursive: true });
      for (const f of readdirSync(exports)) if (!/\.csv$/.test(f)) rmSync(join(exports, f));
      // No package.json: a config in a plain folder (not an ES module package) must load too.
      writeFileSync(
        join(work.dir, "bellwether.config.ts"),
        `export default { sources: "./exports", asOf: "2025-03-31", schedules: [{ job: "refresh", cron: "*/2 * * * * *", when: "changed" }] };\n`,
      );
      const scheduler = start(["schedule"], work.dir);
      await scheduler.until("refresh: succeeded");
      await scheduler.until("refresh: unchanged");
      appendFileSync(join(exports, "crm_accounts.csv"), "H5,Five Ltd,Media,40,EMEA,Ben\n");
      appendFileSync(join(exports, "crm_subscriptions.csv"), "S5,H5,2025-02-01,,100,1,1\n");
      const refreshes = () => scheduler.output().split("refresh: succeeded").length - 1;
      while (refreshes() < 2) await new Promise((resolve) => setTimeout(resolve, 200));
      scheduler.kill("SIGTERM");
      expect(await scheduler.status).toBe(0);
      expect(scheduler.output()).toContain("SIGTERM: stopping; waiting for runs in flight\nstopped");
      const db = await Warehouse.open(join(work.dir, "warehouse.duckdb"));
      try {
        expect(await db.one("SELECT count(*) AS n FROM marts.accounts")).toEqual({ n: 5 });
        const runs = await db.all<{ job: string; status: string; trigger: string }>(
          "SELECT job, status, trigger FROM meta.runs ORDER BY started_at",
        );
        expect(runs).toEqual([
          { job: "refresh", status: "succeeded", trigger: "schedule" },
          { job: "refresh", status: "succeeded", trigger: "schedule" },
        ]);
      } finally {
        db.close();
      }
      expect(readFileSync(join(work.dir, "site", "icp.html"), "utf8")).toContain("Ideal customer profile fit");
    } finally {
      work.cleanup();
    }
  });
});
