import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConfigInput, parseConfig } from "../project/config.ts";
import { alertsAsset, modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { Warehouse } from "../core/warehouse.ts";
import { ALERTS_HEALTH } from "./fixtures/alerts/config.ts";
import { buildFixture, cli, FIXTURES, ROOT, tempDir } from "./helpers.ts";

/*
 * test/fixtures/alerts (README there): three accounts, health by relationship alone (champions and
 * buyers: 2 → 100 green, 1 → 50 yellow, 0 → red), the backtest's horizon one month. The book is run
 * once per month from February to August 2025, as a nightly job would see each new month.
 */
const RULES: ConfigInput = {
  health: ALERTS_HEALTH,
  alerts: {
    rules: [
      { kind: "turned_red" },
      { kind: "score_drop", points: 20 },
      { kind: "usage_drop", percent: 50 },
      { kind: "champion_left" },
      { kind: "detractor" },
      { kind: "renewal_at_risk", days: 90 },
      { kind: "book_at_risk", share: 0.02 },
    ],
  },
};
const MONTHS = ["2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31", "2025-08-31"];

type Fixture = Awaited<ReturnType<typeof buildFixture>>;

/** Runs the models and the alert rules as of `asOf`, as a refresh that brings that month would. */
async function runMonth(fixture: Fixture, input: ConfigInput, asOf: string, fullRefresh = false) {
  const config = parseConfig({ ...input, warehouse: fixture.config.warehouse, asOf }, fixture.dir);
  return runAssets(fixture.db, config, { assets: [...modelAssets(), alertsAsset()], fullRefresh });
}

describe("alert rules, month by month", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: MONTHS[0] });
    for (const month of MONTHS) {
      const run = await runMonth(fixture, RULES, month);
      if (run.status !== "succeeded") throw new Error(JSON.stringify(run.materializations.filter((m) => m.status !== "built")));
    }
  }, 120_000);
  afterAll(() => fixture?.cleanup());

  const episodes = async (rule: string) =>
    (
      await fixture.db.all<{ subject: string; opened: string; closed: string | null }>(
        `SELECT subject, {{ format_time(opened_month, '%Y-%m-%d') }} AS opened, {{ format_time(closed_month, '%Y-%m-%d') }} AS closed
         FROM meta.alerts WHERE rule = $1 ORDER BY subject, opened_month`,
        [rule],
      )
    ).map((r) => [r.subject, r.opened, r.closed]);

  it("turned_red: once per episode, not again while red, closed when it recovers, again when it turns red again", async () => {
    expect(await episodes("turned_red")).toEqual([
      // B1: its champion left in March (yellow), its buyer in April (red); a new champion in June
      // (yellow) closes it; she leaves in August: a new episode.
      ["B1", "2025-04-30", "2025-06-30"],
      ["B1", "2025-08-31", null],
      // B2 has only a user: red from the first month evaluated and never anything else. Turning red is a
      // transition, so it never turned red here.
    ]);
  });

  it("score_drop: a fall of 20 points or more in a month; two falls in a row are one episode", async () => {
    // 100 → 50 in March and 50 → 0 in April; May holds at 0; 50 → 0 again in August.
    expect(await episodes("score_drop")).toEqual([
      ["B1", "2025-03-31", "2025-05-31"],
      ["B1", "2025-08-31", null],
    ]);
    const [march] = await fixture.db.all(
      "SELECT value_now, value_before, message FROM meta.alerts WHERE rule = 'score_drop' ORDER BY opened_month",
    );
    expect(march).toEqual({
      value_now: 50,
      value_before: 100,
      // Who acts on it and what is at stake: B1's owner and its ARR in March.
      message: "Watched Ltd (B1) health fell 50 points in a month, to 50 (weakest: relationship) — owner Ana, ARR $12,000",
    });
  });

  it("champion_left and detractor: one alert per contact and per answer, closed the month after", async () => {
    // C2 is a buyer: her leaving is not a champion's.
    expect(await episodes("champion_left")).toEqual([
      ["B1:C1", "2025-03-31", "2025-04-30"],
      ["B1:C3", "2025-08-31", null],
    ]);
    expect(await episodes("detractor")).toEqual([["B1:R1", "2025-04-30", "2025-05-31"]]);
    const [answer] = await fixture.db.all("SELECT value_now, detail FROM meta.alerts WHERE rule = 'detractor'");
    expect(answer).toEqual({ value_now: 3, detail: "Too slow since the migration" });
  });

  it("renewal_at_risk: a red account's renewal within 90 days, until it is due", async () => {
    // B2 renews on 2025-07-01: within 90 days of 2025-04-30 (not of 03-31); gone once due.
    expect(await episodes("renewal_at_risk")).toEqual([["B2:2025-07-01", "2025-04-30", "2025-07-31"]]);
  });

  it("usage_drop: events in the last 30 days against the 30 before", async () => {
    // Ten logins a month, two in June (−80%), ten again in July.
    expect(await episodes("usage_drop")).toEqual([["B1", "2025-06-30", "2025-07-31"]]);
    const [row] = await fixture.db.all("SELECT value_now FROM meta.alerts WHERE rule = 'usage_drop'");
    expect(row?.value_now).toBeCloseTo(-0.8, 12);
  });

  it("book_at_risk: the book's risk-weighted ARR at risk passes its share of ARR", async () => {
    /*
     * At March: B3 (green) lost its 6,000 in the month after its February snapshot; known snapshots
     * hold green 36,000 (B1 and B3, January and February) and red 96,000 (B2, July to February), so
     * yellow, which has none, takes the book's 6,000 / 132,000. B1 is yellow in March: 12,000 × that,
     * to the cent, 545.45; B2 red × 0. 545.45 / 24,000 of ARR ≥ 2%. In April both are red (rate 0).
     */
    expect(await episodes("book_at_risk")).toEqual([["book", "2025-03-31", "2025-04-30"]]);
    const [row] = await fixture.db.all("SELECT value_now FROM meta.alerts WHERE rule = 'book_at_risk'");
    expect(row?.value_now).toBeCloseTo(545.45 / 24_000, 12);
  });

  it("raises nothing new when the same month is run again", async () => {
    const before = (await fixture.db.one<{ n: number }>("SELECT count(*) AS n FROM meta.alerts"))?.n;
    // A run with nothing new leaves the rules unevaluated; evaluated again anyway, they open nothing.
    const same = await runMonth(fixture, RULES, MONTHS.at(-1) as string);
    expect(same.materializations.find((m) => m.asset === "alerts")?.status).toBe("unchanged");
    const again = await runMonth(fixture, RULES, MONTHS.at(-1) as string, true);
    expect(again.materializations.find((m) => m.asset === "alerts")?.checks).toBe("0 opened, 0 closed");
    expect((await fixture.db.one<{ n: number }>("SELECT count(*) AS n FROM meta.alerts"))?.n).toBe(before);
  });

  it("lists them with bellwether alerts, newest first, since a date, as JSON", async () => {
    // The CLI opens the warehouse itself: this process lets go of it first (the last test here).
    await fixture.db.close();
    const out = cli(["alerts", "--since", "2025-08-01", "--format", "json", "--warehouse", fixture.config.warehouse], fixture.dir);
    expect(out.status).toBe(0);
    const rows = JSON.parse(out.stdout) as { rule: string; account_id: string; opened_month: string }[];
    expect(rows.map((r) => [r.opened_month, r.rule, r.account_id]).sort()).toEqual([
      ["2025-08-31", "champion_left", "B1"],
      ["2025-08-31", "score_drop", "B1"],
      ["2025-08-31", "turned_red", "B1"],
    ]);
    const bad = cli(["alerts", "--since", "August", "--warehouse", fixture.config.warehouse], fixture.dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--since must be an ISO date");
  });
});

/** A webhook receiver on 127.0.0.1: answers each POST with the next status (the last one repeats). */
async function receiver(statuses: (number | "hang")[]) {
  const bodies: unknown[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    let data = "";
    request.on("data", (chunk) => (data += chunk));
    request.on("end", () => {
      bodies.push(JSON.parse(data));
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)];
      if (status === "hang") return; // never answers: the client's timeout must end it
      response.writeHead(status as number, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("a rule's first evaluation on a warehouse", () => {
  it("records what is already true as the baseline, sent nowhere, and alerts only on what changes after", async () => {
    const fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-05-31" });
    try {
      // The first evaluation is May: B2's renewal of 1 July is already within 90 days while red.
      const may = await runMonth(fixture, { ...RULES, alerts: { ...RULES.alerts, file: "alerts.json" } }, "2025-05-31");
      expect(may.materializations.find((m) => m.asset === "alerts")?.checks).toContain("0 opened, 0 closed");
      expect(JSON.parse(readFileSync(join(fixture.dir, "alerts.json"), "utf8")).opened).toEqual([]);
      expect(
        await fixture.db.all("SELECT rule, subject, baseline, {{ format_time(opened_month, '%Y-%m-%d') }} AS opened FROM meta.alerts"),
      ).toEqual([{ rule: "renewal_at_risk", subject: "B2:2025-07-01", baseline: true, opened: "2025-05-31" }]);
      // June: still true, so nothing; July: due, so the baseline episode closes like any other.
      await runMonth(fixture, RULES, "2025-06-30");
      await runMonth(fixture, RULES, "2025-07-31");
      expect(
        await fixture.db.all(
          "SELECT subject, {{ format_time(closed_month, '%Y-%m-%d') }} AS closed, baseline FROM meta.alerts WHERE rule = 'renewal_at_risk'",
        ),
      ).toEqual([{ subject: "B2:2025-07-01", closed: "2025-07-31", baseline: true }]);
      // What June brought is news: B1's usage fell, sent as an alert (not baseline).
      expect(await fixture.db.all("SELECT rule, subject, baseline FROM meta.alerts WHERE rule <> 'renewal_at_risk'")).toEqual([
        { rule: "usage_drop", subject: "B1", baseline: false },
      ]);
    } finally {
      await fixture.cleanup();
    }
  }, 60_000);

  it("prints one summary line for the baseline, and a rule's minimum ARR keeps small accounts out", async () => {
    const dir = tempDir("bellwether-alert-baseline-");
    try {
      const { cpSync } = await import("node:fs");
      cpSync(join(FIXTURES, "alerts"), join(dir.dir, "sources"), { recursive: true });
      const rules = (minArr: number) =>
        `export default { sources: "./sources", asOf: "2025-05-31", health: ${JSON.stringify(ALERTS_HEALTH)},
          alerts: { rules: [{ kind: "renewal_at_risk", days: 90, minArr: ${minArr} }, { kind: "turned_red" }] } };\n`;
      writeFileSync(join(dir.dir, "bellwether.config.ts"), rules(0));
      const built = cli(["build"], dir.dir);
      expect(built.status, built.stderr).toBe(0);
      expect(built.stderr).toContain(
        "alerts: first evaluation of 2 rule(s) on this warehouse: 1 condition(s) already true recorded as the baseline, not sent (renewal_at_risk 1); later runs alert on what changes",
      );
      expect(built.stderr).not.toContain("alert [");
      // B2 holds 12,000 a year: a rule for accounts of 12,001 or more does not see it, and its episode closes.
      writeFileSync(join(dir.dir, "bellwether.config.ts"), rules(12_001));
      const again = cli(["build", "--full-refresh"], dir.dir);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toContain("alerts closed: 1");
    } finally {
      dir.cleanup();
    }
  }, 120_000);
});

describe("the webhook outlet", () => {
  const webhookRun = async (statuses: (number | "hang")[], format: "json" | "slack" = "json") => {
    const hook = await receiver(statuses);
    const fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-02-28" });
    try {
      const input = {
        ...RULES,
        alerts: { ...RULES.alerts, webhook: { url: hook.url, format, timeoutSeconds: 0.5, retries: 2, backoffSeconds: 0 } },
      };
      // February is the rules' first evaluation here: its state is the baseline, sent nowhere.
      await runMonth(fixture, RULES, "2025-02-28");
      const run = await runMonth(fixture, input, "2025-03-31");
      const deliveries = await fixture.db.all("SELECT outlet, status, attempts, alerts, error FROM meta.alert_deliveries");
      await fixture.db.close();
      const status = cli(["status", "--format", "json", "--warehouse", fixture.config.warehouse], fixture.dir);
      return { run, deliveries, bodies: hook.bodies, status: JSON.parse(status.stdout) as { asset: string; checks: string | null }[] };
    } finally {
      await fixture.cleanup();
      hook.close();
    }
  };

  it("POSTs the run's new alerts as JSON, trying again after a 500", async () => {
    const { run, deliveries, bodies } = await webhookRun([500, 200]);
    expect(run.status).toBe("succeeded");
    // March opens B1 score_drop, B1:C1 champion_left and the book's share (B2, red since February, did not turn red).
    expect(bodies).toHaveLength(2);
    const body = bodies[1] as { month: string; alerts: { rule: string; subject: string; severity: string; message: string }[] };
    expect(body.month).toBe("2025-03-31");
    expect(body.alerts.map((a) => `${a.rule} ${a.subject}`).sort()).toEqual(["book_at_risk book", "champion_left B1:C1", "score_drop B1"]);
    expect(body.alerts.find((a) => a.rule === "champion_left")?.message).toBe(
      "Watched Ltd (B1) lost a champion: Head of Ops — owner Ana, ARR $12,000",
    );
    expect(deliveries).toEqual([{ outlet: "webhook", status: "delivered", attempts: 2, alerts: 3, error: null }]);
  }, 60_000);

  it("gives up after its retries when nobody answers in time; the run still succeeds and status says so", async () => {
    const { run, deliveries, bodies, status } = await webhookRun(["hang"]);
    expect(run.status).toBe("succeeded");
    expect(bodies).toHaveLength(3);
    expect(deliveries).toEqual([
      { outlet: "webhook", status: "failed", attempts: 3, alerts: 3, error: "no answer within 0.5 s (after 3 attempts)" },
    ]);
    expect(status.find((s) => s.asset === "alerts")?.checks).toContain("webhook FAILED: no answer within 0.5 s (after 3 attempts)");
  }, 60_000);

  it("writes the run's alerts to the JSON file outlet, replaced whole each run", async () => {
    const fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-02-28" });
    try {
      const input = { ...RULES, alerts: { ...RULES.alerts, file: "alerts.json" } };
      await runMonth(fixture, input, "2025-02-28");
      await runMonth(fixture, input, "2025-03-31");
      const written = JSON.parse(readFileSync(join(fixture.dir, "alerts.json"), "utf8")) as {
        month: string;
        opened: { rule: string; subject: string }[];
        closed: unknown[];
      };
      // March's run: B2 turned red in February is not news; what March opened is.
      expect(written.month).toBe("2025-03-31");
      expect(written.opened.map((a) => `${a.rule} ${a.subject}`).sort()).toEqual([
        "book_at_risk book",
        "champion_left B1:C1",
        "score_drop B1",
      ]);
      expect(written.closed).toEqual([]);
      const deliveries = await fixture.db.all("SELECT outlet, status FROM meta.alert_deliveries ORDER BY delivered_at");
      expect(deliveries).toEqual([
        { outlet: "file", status: "delivered" },
        { outlet: "file", status: "delivered" },
      ]);
    } finally {
      await fixture.cleanup();
    }
  }, 60_000);

  it("does not retry an answer that will not change (a 404), and speaks Slack's shape when asked", async () => {
    const { deliveries, bodies } = await webhookRun([404], "slack");
    expect(bodies).toHaveLength(1);
    const slack = bodies[0] as { text: string; blocks: { text: { text: string } }[] };
    expect(slack.text).toBe("Bellwether: 3 new alerts");
    expect(slack.blocks).toHaveLength(3);
    expect(deliveries).toEqual([{ outlet: "webhook", status: "failed", attempts: 1, alerts: 3, error: "HTTP 404" }]);
  }, 60_000);
});

describe("a scheduled job on the sample's new month", () => {
  it("raises that month's alerts and POSTs them to a local webhook", async () => {
    const work = tempDir("bellwether-alerts-schedule-");
    const hook = await receiver([200]);
    try {
      expect(cli(["sample", "--out", "exports", "--quiet"], work.dir).status).toBe(0);
      // Last night's build saw the book to the end of August.
      writeFileSync(join(work.dir, "bellwether.config.ts"), `export default { sources: "./exports", asOf: "2026-08-31" };\n`);
      expect(cli(["build", "--quiet"], work.dir).status).toBe(0);
      // Tonight's job sees September, the newest month of the exports.
      writeFileSync(
        join(work.dir, "bellwether.config.ts"),
        `export default {
          sources: "./exports",
          alerts: { webhook: { url: ${JSON.stringify(hook.url)}, retries: 1, backoffSeconds: 0 } },
          schedules: [{ job: "nightly", cron: "*/2 * * * * *" }],
        };\n`,
      );
      const child = spawn(process.execPath, [join(ROOT, "bin", "bellwether.js"), "schedule"], { cwd: work.dir });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      const deadline = Date.now() + 120_000;
      while (!output.includes("nightly: succeeded") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toContain("nightly: succeeded");

      const posts = hook.bodies as { month: string; alerts: { rule: string; opened_month: string }[] }[];
      expect(posts.length).toBeGreaterThanOrEqual(1);
      expect(posts[0]?.month).toBe("2026-09-30");
      expect(posts[0]?.alerts.length).toBeGreaterThan(0);
      expect(posts[0]?.alerts.every((a) => a.opened_month === "2026-09-30")).toBe(true);
      const db = await Warehouse.openReadOnly(join(work.dir, "warehouse.duckdb"));
      try {
        const months = await db.all<{ month: string; n: number }>(
          "SELECT strftime(opened_month, '%Y-%m-%d') AS month, count(*) AS n FROM meta.alerts GROUP BY 1 ORDER BY 1",
        );
        // August's alerts came from the build; September's only from the job, each once.
        expect(months.map((m) => m.month)).toEqual(["2026-08-31", "2026-09-30"]);
        expect(months[1]?.n).toBe(posts[0]?.alerts.length);
        const deliveries = await db.all("SELECT outlet, status FROM meta.alert_deliveries");
        expect(deliveries).toEqual([{ outlet: "webhook", status: "delivered" }]);
      } finally {
        await db.close();
      }
    } finally {
      await hook.close();
      work.cleanup();
    }
  }, 240_000);
});

describe("a warehouse whose rules ran before baselines were kept", () => {
  it("takes its rules as evaluated: the next run's news is sent, not made a baseline", async () => {
    const fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-02-28" });
    try {
      await runMonth(fixture, RULES, "2025-02-28");
      // As an older Bellwether left it: alerts kept, no record of which rules were evaluated.
      await fixture.db.run("DROP TABLE meta.alert_rules_evaluated");
      const march = await runMonth(fixture, RULES, "2025-03-31");
      expect(march.materializations.find((m) => m.asset === "alerts")?.checks).toContain("3 opened");
      expect(await fixture.db.all("SELECT count(*)::INTEGER AS n FROM meta.alerts WHERE baseline")).toEqual([{ n: 0 }]);
    } finally {
      await fixture.cleanup();
    }
  }, 60_000);
});
