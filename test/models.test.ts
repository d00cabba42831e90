import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../project/config.ts";
import { Warehouse } from "../core/warehouse.ts";
import { readModels } from "../models/model.ts";
import { assetGraph, modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { selectAssets } from "../orchestration/select.ts";
import { tempDir } from "./helpers.ts";

describe("the shipped model graph", () => {
  it("reads each model's inputs from its SQL and orders builds by them", () => {
    const models = readModels();
    const accountMonths = models.find((m) => m.id === "marts.account_months");
    expect(accountMonths?.inputs).toEqual(["config.touch_tiers", "marts.account_attributes", "marts.months", "marts.subscription_lines"]);
    const order = assetGraph(modelAssets(models)).map((a) => a.name);
    expect(order.indexOf("marts.subscription_lines")).toBeGreaterThan(order.indexOf("staging.finance_fx_rates"));
    expect(order.indexOf("marts.account_months")).toBeGreaterThan(order.indexOf("marts.subscription_lines"));
    expect(order.indexOf("marts.account_months")).toBeGreaterThan(order.indexOf("marts.months"));
    expect(order.indexOf("marts.arr_bridge")).toBeGreaterThan(order.indexOf("marts.arr_movements"));
  });

  it("selects a model and everything downstream with NAME+", () => {
    const models = modelAssets();
    expect([...selectAssets(models, "subscription_lines+")].sort()).toEqual([
      "marts.account_months",
      // The forecast's loss rates weight each account's ARR.
      "marts.account_risk",
      // account_ttv reads the lines for the first positive-ARR date.
      "marts.account_ttv",
      "marts.account_usage_months",
      "marts.accounts",
      "marts.arr_bridge",
      "marts.arr_losses",
      "marts.arr_movements",
      // The as-of date reports the lines that end after it, and the months run to it.
      "marts.as_of",
      "marts.calendar",
      "marts.cohort_retention",
      // Costs are allocated by segment ARR from account_months.
      "marts.cost_allocations",
      "marts.forecast_backtest",
      "marts.health_backtest",
      "marts.health_band_moves",
      "marts.health_churn_leads",
      "marts.health_inputs",
      "marts.health_measure_scores",
      "marts.health_scores",
      "marts.lines_without_fx",
      "marts.loss_rates",
      "marts.months",
      // Opportunities, answers and tickets are cut at the as-of date, which the lines reach.
      "marts.opportunities",
      // Renewals are due when lines' terms end; the forecast sees the lines started by each quarter end.
      "marts.renewal_forecasts",
      "marts.renewal_terms",
      "marts.renewals",
      "marts.segment_arr_bridge",
      "marts.subscription_lines",
      "marts.survey_answers",
      "marts.tickets",
    ]);
    expect([...selectAssets(models, "staging.crm_subscriptions")]).toEqual(["staging.crm_subscriptions"]);
    expect(() => selectAssets(models, "acount_months")).toThrow('no asset named "acount_months" — did you mean "account_months"?');
  });
});

describe("building models", () => {
  let dir: string;
  let cleanup: () => void;
  let db: Warehouse;
  const config = parseConfig({}, "/tmp");
  const model = (path: string, sql: string) => {
    mkdirSync(join(dir, "models", path, ".."), { recursive: true });
    writeFileSync(join(dir, "models", path), sql);
  };

  beforeEach(async () => {
    ({ dir, cleanup } = tempDir());
    mkdirSync(join(dir, "models", "staging"), { recursive: true });
    mkdirSync(join(dir, "models", "marts"), { recursive: true });
    db = await Warehouse.open(join(dir, "w.duckdb"));
    await db.run("CREATE SCHEMA raw; CREATE TABLE raw.things AS SELECT * FROM (VALUES (1, 10), (2, 20)) t(id, amount)");
  });
  /** The models in the temp folder, as a run of their assets; one result per model. */
  // fullRefresh: these tests write raw rows directly, not through a landing a run could see.
  const build = async () =>
    (await runAssets(db, config, { assets: modelAssets(readModels(join(dir, "models"))), fullRefresh: true })).materializations;
  afterEach(() => {
    db.close();
    cleanup();
  });

  it("stops a model whose data test fails, names the test and the offending rows, skips its dependants and keeps the previous table", async () => {
    model("staging/things.sql", "-- One row per thing.\n-- @test expression(amount >= 0)\nSELECT id, amount FROM raw.things");
    model("marts/totals.sql", "-- One row.\nSELECT sum(amount) AS total FROM staging.things");
    model("marts/unrelated.sql", "-- One row.\nSELECT 42 AS answer FROM raw.things LIMIT 1");
    const first = await build();
    expect(first.map((r) => [r.asset, r.status, r.rows])).toEqual([
      ["staging.things", "built", 2],
      ["marts.totals", "built", 1],
      ["marts.unrelated", "built", 1],
    ]);

    await db.run("INSERT INTO raw.things VALUES (3, -5), (4, -7)");
    const second = await build();
    const byModel = Object.fromEntries(second.map((r) => [r.asset, r]));
    expect(byModel["staging.things"]?.status).toBe("failed");
    expect(byModel["staging.things"]?.error).toBe(
      'staging.things: data test expression(amount >= 0) failed on 2 rows; first 2:\n    {"id":3,"amount":-5}\n    {"id":4,"amount":-7}',
    );
    expect(byModel["marts.totals"]).toMatchObject({ status: "skipped", error: "staging.things failed" });
    // Built, but a run's models swap in as one set: beside a failed model, none is published.
    expect(byModel["marts.unrelated"]).toMatchObject({
      status: "skipped",
      error: "not published: staging.things failed, and a run's models swap in together",
    });
    // The previous versions are still there and readable.
    expect(await db.all("SELECT count(*) AS n FROM staging.things")).toEqual([{ n: 2 }]);
    expect(await db.all("SELECT total FROM marts.totals")).toEqual([{ total: 30 }]);
    expect(await db.all("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '__building%'")).toEqual([]);
  });

  it("reports bad SQL with the model and its file, leaving the previous table", async () => {
    model("staging/things.sql", "SELECT id, amount FROM raw.things");
    await build();
    model("staging/things.sql", "SELECT id, amount, no_such_column FROM raw.things");
    const [result] = await build();
    expect(result?.status).toBe("failed");
    expect(result?.error).toContain(`staging.things (${join(dir, "models", "staging", "things.sql")}): Binder Error`);
    expect(await db.all("SELECT count(*) AS n FROM staging.things")).toEqual([{ n: 2 }]);
  });

  it("refuses a cycle and names it", () => {
    model("marts/a.sql", "SELECT * FROM marts.b");
    model("marts/b.sql", "SELECT * FROM marts.a");
    expect(() => assetGraph(modelAssets(readModels(join(dir, "models"))))).toThrow("assets form a cycle: marts.a → marts.b → marts.a");
  });
});
