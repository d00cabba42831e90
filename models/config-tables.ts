import type { ModelSettings } from "./settings.ts";
import type { Warehouse } from "../core/warehouse.ts";

type Bands = ModelSettings["segments"];

/**
 * The config's settings and bands as tables in `config.*`, so models stay plain SQL and a changed
 * band or fiscal-year start shows up in the model graph as an input like any other.
 */
export async function writeConfigTables(db: Warehouse, config: ModelSettings): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS config");
  const { health, timeToValue, costs, renewals, forecast } = config;
  await replaceTable(
    db,
    `config.settings (reporting_currency VARCHAR, fiscal_year_start_month INTEGER, as_of DATE, health_horizon_months INTEGER,
       health_min_coverage DOUBLE PRECISION, ttv_rule VARCHAR, ttv_milestone VARCHAR, ttv_active_users INTEGER, cost_allocate_by VARCHAR,
       renewal_grace_days INTEGER, reason_window_months INTEGER, forecast_min_accounts INTEGER)`,
  );
  await db.run("INSERT INTO config.settings VALUES ($1, $2, CAST($3 AS DATE), $4, $5, $6, $7, $8, $9, $10, $11, $12)", [
    config.reportingCurrency,
    config.fiscalYearStartMonth,
    config.asOf ?? null,
    health.horizonMonths,
    health.minCoverage,
    timeToValue.rule,
    timeToValue.milestone.toLowerCase(),
    timeToValue.activeUsers,
    costs.allocateBy,
    renewals.graceDays,
    renewals.reasonWindowMonths,
    forecast.minAccounts,
  ]);
  await replaceTable(db, "config.churn_categories (reason VARCHAR, category VARCHAR)");
  for (const [reason, category] of Object.entries(renewals.reasonCategories)) {
    await db.run("INSERT INTO config.churn_categories VALUES ($1, $2)", [reason.trim().toLowerCase(), category]);
  }
  await writeList(db, "config.pools", "owner", config.pools);
  await writeBands(db, "config.segment_bands", config.segments);
  await writeBands(db, "config.employee_bands", config.employeeBands);
  await writeBands(db, "config.touch_tiers", config.touchTiers);
  await writeBands(db, "config.health_bands", config.healthBands);
  await replaceTable(db, "config.health_measures (measure VARCHAR, label VARCHAR, weight DOUBLE PRECISION)");
  await replaceTable(db, "config.health_thresholds (measure VARCHAR, value DOUBLE PRECISION, score DOUBLE PRECISION)");
  for (const measure of health.measures) {
    await db.run("INSERT INTO config.health_measures VALUES ($1, $2, $3)", [measure.input, measure.label ?? measure.input, measure.weight]);
    for (const [value, score] of measure.thresholds) {
      await db.run("INSERT INTO config.health_thresholds VALUES ($1, $2, $3)", [measure.input, value, score]);
    }
  }
  await writeList(db, "config.key_events", "event_name", health.keyEvents);
  await writeList(
    db,
    "config.retention_cost_centers",
    "cost_center",
    costs.retentionCostCenters.map((c) => c.toLowerCase()),
  );
}

/** Drops and creates a table from `definition` ("schema.name (columns)"): CREATE OR REPLACE is not every engine's. */
async function replaceTable(db: Warehouse, definition: string): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${definition.slice(0, definition.indexOf(" "))}`);
  await db.run(`CREATE TABLE ${definition}`);
}

async function writeList(db: Warehouse, table: string, column: string, values: readonly string[]): Promise<void> {
  await replaceTable(db, `${table} (${column} VARCHAR)`);
  for (const value of values) await db.run(`INSERT INTO ${table} VALUES ($1)`, [value]);
}

async function writeBands(db: Warehouse, table: string, bands: Bands): Promise<void> {
  await replaceTable(db, `${table} (position INTEGER, name VARCHAR, lower DOUBLE PRECISION, upper DOUBLE PRECISION)`);
  let lower = Number.NEGATIVE_INFINITY;
  for (const [position, band] of bands.entries()) {
    await db.run(`INSERT INTO ${table} VALUES ($1, $2, $3, $4)`, [
      position + 1,
      band.name,
      Number.isFinite(lower) ? lower : null,
      band.below ?? null,
    ]);
    lower = band.below ?? lower;
  }
}
