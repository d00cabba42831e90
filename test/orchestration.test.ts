import { appendFileSync, cpSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Asset } from "../orchestration/asset.ts";
import { assetGraph, modelAssets, pageAssets, rawAssets, SNAPSHOT_METRICS } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { latestTickBetween, type Outcome, type ScheduledJob, Scheduler } from "../orchestration/schedule.ts";
import { selectAssets } from "../orchestration/select.ts";
import { assetStatus } from "../orchestration/status.ts";
import { readModels } from "../models/model.ts";
import { findSources } from "../pipelines/sources.ts";
import { buildFixture, FIXTURES, tempDir } from "./helpers.ts";

const fake = (name: string, inputs: string[] = []): Asset => ({ name, kind: "model", inputs, description: name });

describe("the asset graph", () => {
  it("is derived from the declarations: contracts, model SQL and page queries", () => {
    const graph = assetGraph();
    const byName = new Map(graph.map((a) => [a.name, a]));
    // A contract's references: subscriptions land after the accounts they point at.
    expect(byName.get("raw.crm_subscriptions")?.inputs).toEqual(["raw.crm_accounts"]);
    // A model reads what its SQL names.
    expect(byName.get("staging.crm_accounts")?.inputs).toEqual(["raw.crm_accounts"]);
    // A page reads the marts its metric queries compile to, and what its listings declare.
    const board = byName.get("site.board")?.inputs ?? [];
    expect(board).toEqual(expect.arrayContaining(["marts.account_months", "marts.arr_movements", "marts.health_scores", "marts.months"]));
    // The quality page reads no mart, so it is written (with the refusals) even when no model could be built.
    expect(byName.get("site.quality")?.inputs).toEqual(["meta.loads"]);
    // Every asset comes after its inputs.
    const position = new Map(graph.map((a, i) => [a.name, i]));
    for (const asset of graph) {
      for (const input of asset.inputs) if (position.has(input)) expect(position.get(input)).toBeLessThan(position.get(asset.name) ?? -1);
    }
    // Models, the metric snapshot, the alert rules and pages.
    expect(graph.length).toBe(rawAssets().length + readModels().length + 2 + pageAssets().length);
    // The alerts come after the marts their rules read, and the account pages after the alerts.
    expect(byName.get("alerts")?.inputs).toEqual(expect.arrayContaining(["marts.health_scores", "marts.renewals", "marts.account_risk"]));
    expect(byName.get("site.accounts")?.inputs).toContain("alerts");
    // The metric snapshot reads the marts its headline metrics compile to.
    expect(byName.get("metrics.snapshot")?.inputs).toEqual(
      expect.arrayContaining(["marts.account_months", "marts.health_scores", "marts.cost_allocations", "marts.months"]),
    );
  });

  it("refuses a cycle and names it", () => {
    expect(() => assetGraph([fake("a", ["c"]), fake("b", ["a"]), fake("c", ["b"])])).toThrow("assets form a cycle: a → c → b → a");
  });
});

describe("selection", () => {
  const graph = [
    fake("raw.x"),
    fake("staging.x", ["raw.x"]),
    fake("marts.y", ["staging.x"]),
    fake("marts.z", ["marts.y"]),
    fake("site.p", ["marts.z"]),
  ];
  it.each([
    ["marts.y", ["marts.y"]],
    ["y", ["marts.y"]],
    ["y+", ["marts.y", "marts.z", "site.p"]],
    ["+y", ["marts.y", "raw.x", "staging.x"]],
    ["+z+", ["marts.y", "marts.z", "raw.x", "site.p", "staging.x"]],
    ["staging.x+", ["marts.y", "marts.z", "site.p", "staging.x"]],
  ])("%s selects %j", (selector, expected) => {
    expect([...selectAssets(graph, selector)].sort()).toEqual(expected);
  });

  it("refuses an ambiguous bare name and an unknown one", () => {
    expect(() => selectAssets(graph, "x")).toThrow('"x" is ambiguous: raw.x, staging.x; give the full name');
    expect(() => selectAssets(graph, "marts.yy")).toThrow('no asset named "marts.yy" — did you mean "marts.y"?');
  });
});

describe("a run", () => {
  let fixture: Awaited<ReturnType<typeof buildFixture>>;
  const site = () => join(fixture.dir, "site");
  beforeAll(async () => {
    fixture = await buildFixture(join(FIXTURES, "health"), { asOf: "2025-03-31" });
  });
  afterAll(() => fixture?.cleanup());

  it("counts files landed by bellwether ingest as the landing tables' materialisation", async () => {
    // buildFixture lands with `ingest` (outside a run) and then runs the models alone.
    const status = new Map((await assetStatus(fixture.db, fixture.config, assetGraph())).map((s) => [s.asset, s]));
    expect(status.get("raw.crm_accounts")).toMatchObject({ state: "fresh", checks: "landed by bellwether ingest" });
    // The fixture has no opportunities file: never landed.
    expect(status.get("raw.crm_opportunities")?.reasons).toEqual(["never materialised"]);
    expect(status.get("marts.accounts")).toMatchObject({ state: "fresh", checks: "4 data tests passed" });
    expect(status.get("site.board")?.reasons).toEqual(["never materialised"]);
  });

  it("records every asset; with a failed model, publishes none of the run's models and keeps the last good tables and site", async () => {
    const sources = findSources(join(FIXTURES, "health"));
    const good = await runAssets(fixture.db, fixture.config, { siteDir: site(), sources, fullRefresh: true });
    expect(good.status).toBe("succeeded");
    // The landing tables' files were landed by buildFixture's ingest: unchanged; everything else built.
    expect(good.materializations.filter((m) => m.status !== (m.kind === "raw" ? "unchanged" : "built"))).toEqual([]);
    expect(good.materializations.length).toBe(assetGraph().length);
    expect(existsSync(join(site(), "board.html"))).toBe(true);
    // One quarter end in the fixture (2025-03-31), eight headline metrics; ARR then is 120,000.
    const snapshot = await fixture.db.all<{ metric: string; value: number | null }>(
      "SELECT metric, value FROM meta.metric_snapshots WHERE period = DATE '2025-03-31' AND segment IS NULL ORDER BY metric",
    );
    expect(snapshot.map((r) => r.metric)).toEqual([...SNAPSHOT_METRICS].sort());
    expect(snapshot.find((r) => r.metric === "arr")?.value).toBe(120_000);
    // By segment too: H2 (2,000 staff) 60,000 and H3 (3,000) 30,000 are Enterprise, H1 (50) 30,000 is
    // SMB; H4 (Mid-Market) stopped paying on 2025-03-01.
    const arrBySegment = await fixture.db.all<{ segment: string; value: number | null }>(
      "SELECT segment, value FROM meta.metric_snapshots WHERE period = DATE '2025-03-31' AND metric = 'arr' AND segment IS NOT NULL ORDER BY segment",
    );
    expect(arrBySegment.filter((r) => r.value !== 0)).toEqual([
      { segment: "Enterprise", value: 90_000 },
      { segment: "SMB", value: 30_000 },
    ]);
    const before = await fixture.db.all("SELECT * FROM marts.arr_movements ORDER BY account_id, month_index");

    const models = readModels().map((m) =>
      m.id === "marts.arr_movements" ? { ...m, sql: "SELECT no_such_column FROM marts.account_months" } : m,
    );
    const assets = [...rawAssets(), ...modelAssets(models), ...pageAssets()];
    // Every model rebuilt (fullRefresh), so that the set published together or not at all is all of them.
    const bad = await runAssets(fixture.db, fixture.config, { siteDir: site(), assets, fullRefresh: true });
    expect(bad.status).toBe("failed");
    const failed = bad.materializations.filter((m) => m.status === "failed").map((m) => m.asset);
    const skipped = bad.materializations.filter((m) => m.status === "skipped").map((m) => m.asset);
    expect(failed).toEqual(["marts.arr_movements"]);
    // A run's models swap in together or not at all: every other model was built but not published, and
    // everything that reads a model (every page) keeps its last good version.
    const readsMarts = (a: (typeof assets)[number]) => a.inputs.some((i) => i.startsWith("marts."));
    expect(skipped.sort()).toEqual(
      assets
        .filter((a) => (a.kind === "model" && a.name !== "marts.arr_movements") || (a.kind === "page" && readsMarts(a)))
        .map((a) => a.name)
        .sort(),
    );
    const unpublished = bad.materializations.find((m) => m.asset === "marts.account_months");
    expect(unpublished?.error).toBe("not published: marts.arr_movements failed, and a run's models swap in together");
    expect(bad.materializations.find((m) => m.asset === "site.board")?.error).toBe("marts.arr_movements failed");
    // The glossary and the quality page read no mart: they are written all the same.
    expect(bad.materializations.find((m) => m.asset === "site.quality")?.status).toBe("built");
    // The last good table is still there, whole.
    expect(await fixture.db.all("SELECT * FROM marts.arr_movements ORDER BY account_id, month_index")).toEqual(before);
    const runs = await fixture.db.all<{ status: string }>("SELECT status FROM meta.runs ORDER BY started_at");
    // The fixture's own models-only run, the good run, the bad run.
    expect(runs.map((r) => r.status)).toEqual(["succeeded", "succeeded", "failed"]);

    const status = new Map((await assetStatus(fixture.db, fixture.config, assets)).map((s) => [s.asset, s]));
    expect(status.get("marts.arr_movements")?.state).toBe("stale");
    expect(status.get("marts.arr_movements")?.reasons[0]).toMatch(/^last attempt failed: marts\.arr_movements .*no_such_column/);
    expect(status.get("site.board")?.reasons).toContain("last run skipped it: marts.arr_movements failed");
  });

  it("calls an asset stale when it is older than its max age, or an input was refreshed after it", async () => {
    await runAssets(fixture.db, fixture.config, { siteDir: site() });
    const now = new Date(Date.now() + 30 * 3_600_000);
    const status = new Map((await assetStatus(fixture.db, fixture.config, assetGraph(), { now })).map((s) => [s.asset, s]));
    expect(status.get("marts.accounts")?.reasons).toEqual([expect.stringMatching(/^older than its max age \(30\.\d h > 26 h\)$/)]);
    expect(status.get("marts.accounts")?.max_age_hours).toBe(26);

    await runAssets(fixture.db, fixture.config, { siteDir: site(), select: "marts.months" });
    const after = new Map((await assetStatus(fixture.db, fixture.config, assetGraph())).map((s) => [s.asset, s]));
    expect(after.get("marts.months")?.state).toBe("fresh");
    expect(after.get("marts.account_months")?.reasons).toEqual(["refreshed after it: marts.months"]);
    // A model whose SQL changed since it was built is stale, though nothing ran: the next run rebuilds it.
    const edited = assetGraph().map((a) =>
      a.name === "marts.months" && a.model ? { ...a, model: { ...a.model, sql: `${a.model.sql}\n-- a changed line` } } : a,
    );
    const changed = new Map((await assetStatus(fixture.db, fixture.config, edited)).map((s) => [s.asset, s]));
    expect(changed.get("marts.months")?.reasons).toEqual(["its SQL, the code or the config changed since it was built"]);
    expect(changed.get("marts.calendar")?.state).toBe(after.get("marts.calendar")?.state);
    expect(readdirSync(fixture.dir).filter((f) => f.includes(".building-") || f.includes(".previous-"))).toEqual([]);
  });
});

describe("a run with nothing new", () => {
  it("leaves every model, page and snapshot as it was; a changed file rebuilds only what reads it; new settings rebuild all", async () => {
    const copy = tempDir();
    cpSync(join(FIXTURES, "health"), copy.dir, { recursive: true });
    const fixture = await buildFixture(copy.dir, { asOf: "2025-03-31" });
    const site = join(fixture.dir, "site");
    const sources = () => findSources(copy.dir);
    try {
      const first = await runAssets(fixture.db, fixture.config, { siteDir: site, sources: sources() });
      expect(first.status).toBe("succeeded");
      const board = statSync(join(site, "board.html")).mtimeMs;

      const noop = await runAssets(fixture.db, fixture.config, { siteDir: site, sources: sources() });
      expect(noop.status).toBe("succeeded");
      // Every asset of the graph is recorded, and none was made again: the site was not rewritten.
      expect(noop.materializations).toHaveLength(assetGraph().length);
      expect(noop.materializations.filter((m) => m.status !== "unchanged")).toEqual([]);
      expect(statSync(join(site, "board.html")).mtimeMs).toBe(board);
      const status = await assetStatus(fixture.db, fixture.config, assetGraph());
      expect(status.filter((s) => s.state !== "fresh" && s.kind !== "raw").map((s) => [s.asset, s.reasons])).toEqual([]);

      // One more ticket: its landing table and what reads it are built (marts.as_of reads every activity,
      // so the marts after it too: survey answers are cut at the as-of), and the load history page; the
      // models that never read tickets or the as-of are not.
      appendFileSync(join(copy.dir, "support_tickets.csv"), "T99,H1,2025-03-20T09:00:00Z,,,low\n");
      const tickets = await runAssets(fixture.db, fixture.config, { siteDir: site, sources: sources() });
      const statusOf = (name: string) => tickets.materializations.find((m) => m.asset === name)?.status;
      for (const name of ["raw.support_tickets", "staging.support_tickets", "marts.tickets", "marts.as_of", "site.quality"])
        expect(statusOf(name), name).toBe("built");
      for (const name of [
        "raw.crm_accounts",
        "staging.crm_accounts",
        "marts.subscription_lines",
        "staging.survey_responses",
        "site.glossary",
      ])
        expect(statusOf(name), name).toBe("unchanged");
      expect(await fixture.db.one("SELECT count(*)::INTEGER AS n FROM marts.tickets WHERE ticket_id = 'T99'")).toEqual({ n: 1 });

      // Another setting, or --full-refresh: everything again.
      const other = await runAssets(fixture.db, { ...fixture.config, retentionWindowMonths: 6 }, { siteDir: site, sources: sources() });
      expect(other.materializations.filter((m) => m.kind === "model" && m.status !== "built")).toEqual([]);
      const full = await runAssets(fixture.db, { ...fixture.config, retentionWindowMonths: 6 }, { siteDir: site, fullRefresh: true });
      expect(full.materializations.filter((m) => m.kind !== "raw" && m.status !== "built")).toEqual([]);
    } finally {
      await fixture.cleanup();
      copy.cleanup();
    }
  }, 120_000);
});

describe("the scheduler, on a fake clock", () => {
  const job: ScheduledJob = { job: "refresh", cron: "*/5 * * * *", when: "always", retries: 2, backoff: 30, digest: false };
  function harness(outcomes: Outcome[], lastTick: Date | null = null) {
    let clock = new Date("2026-11-22T10:00:00Z").getTime();
    const runs: string[] = [];
    const sleeps: number[] = [];
    const log: string[] = [];
    let release: () => void = () => undefined;
    let hold = false;
    const scheduler = new Scheduler([job], {
      now: () => new Date(clock),
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      lastTick: async () => lastTick,
      log: (line) => log.push(line),
      run: async (_job, tick) => {
        runs.push(tick.toISOString());
        if (hold) await new Promise<void>((resolve) => (release = resolve));
        return outcomes.shift() ?? "succeeded";
      },
    });
    return {
      scheduler,
      runs,
      sleeps,
      log,
      holdRuns: () => (hold = true),
      release: () => {
        hold = false;
        release();
      },
      setClock: (iso: string) => (clock = Date.parse(iso)),
    };
  }

  it("retries a failed run with exponential backoff, then gives up", async () => {
    const h = harness(["failed", "failed", "failed"]);
    expect(await h.scheduler.tick(job, new Date("2026-11-22T10:00:00Z"))).toBe("failed");
    expect(h.runs.length).toBe(3); // one run and two retries
    expect(h.sleeps).toEqual([30_000, 60_000]);
    expect(h.log).toContain("2026-11-22T10:00:00Z refresh: retrying in 60 s");
  });

  it("stops retrying when a retry succeeds", async () => {
    const h = harness(["failed", "succeeded"]);
    expect(await h.scheduler.tick(job, new Date("2026-11-22T10:00:00Z"))).toBe("succeeded");
    expect(h.sleeps).toEqual([30_000]);
  });

  it("never runs a job twice at once: a tick during a run is skipped", async () => {
    const h = harness([]);
    h.holdRuns();
    const first = h.scheduler.tick(job, new Date("2026-11-22T10:00:00Z"));
    expect(await h.scheduler.tick(job, new Date("2026-11-22T10:05:00Z"))).toBe("overlap");
    h.release();
    expect(await first).toBe("succeeded");
    expect(h.runs).toEqual(["2026-11-22T10:00:00.000Z"]);
    // Free again once the run is over.
    expect(await h.scheduler.tick(job, new Date("2026-11-22T10:10:00Z"))).toBe("succeeded");
  });

  it("lets two jobs whose ticks meet take turns: the second starts when the first is over", async () => {
    const other: ScheduledJob = { ...job, job: "nightly" };
    const events: string[] = [];
    let finishFirst: () => void = () => undefined;
    const scheduler = new Scheduler([job, other], {
      now: () => new Date("2026-11-22T10:00:00Z"),
      sleep: async () => undefined,
      lastTick: async () => null,
      log: () => undefined,
      run: async (ran) => {
        events.push(`${ran.job} starts`);
        if (ran.job === "refresh") await new Promise<void>((resolve) => (finishFirst = resolve));
        events.push(`${ran.job} ends`);
        return "succeeded";
      },
    });
    const tick = new Date("2026-11-22T10:00:00Z");
    const first = scheduler.tick(job, tick);
    const second = scheduler.tick(other, tick);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(["refresh starts"]);
    finishFirst();
    expect(await Promise.all([first, second])).toEqual(["succeeded", "succeeded"]);
    expect(events).toEqual(["refresh starts", "refresh ends", "nightly starts", "nightly ends"]);
  });

  it("catches up the latest missed tick once, not every one", async () => {
    // Last ran for 09:00; restarted at 10:02:30: ticks 09:05 … 10:00 were missed; 10:00 runs, once.
    const h = harness([], new Date("2026-11-22T09:00:00Z"));
    h.setClock("2026-11-22T10:02:30Z");
    expect(await h.scheduler.catchUp(job)).toBe("succeeded");
    expect(h.runs).toEqual(["2026-11-22T10:00:00.000Z"]);
    // Nothing missed since the last tick: nothing to do.
    const quiet = harness([], new Date("2026-11-22T10:00:00Z"));
    quiet.setClock("2026-11-22T10:04:59Z");
    expect(await quiet.scheduler.catchUp(job)).toBe("none");
    expect(await harness([], null).scheduler.catchUp(job)).toBe("none");
  });

  it("finds the latest tick of a cron expression in a span", () => {
    expect(latestTickBetween("0 6 * * *", new Date("2026-11-20T06:00:00Z"), new Date("2026-11-22T05:59:00Z"))?.toISOString()).toBe(
      new Date(2026, 10, 21, 6, 0, 0).toISOString(),
    );
    expect(latestTickBetween("*/5 * * * *", new Date("2026-11-22T10:00:00Z"), new Date("2026-11-22T10:04:00Z"))).toBeNull();
  });

  it("waits for a run in flight when stopped, and starts nothing after", async () => {
    const h = harness([]);
    h.holdRuns();
    const running = h.scheduler.tick(job, new Date("2026-11-22T10:00:00Z"));
    const stopping = h.scheduler.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    h.release();
    await stopping;
    expect(await running).toBe("succeeded");
    expect(await h.scheduler.tick(job, new Date("2026-11-22T10:05:00Z"))).toBe("stopping");
  });
});
