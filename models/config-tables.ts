import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";

type Bands = Config["segments"];

/**
 * The config's settings and bands as tables in `config.*`, so models stay plain SQL and a changed
 * band or fiscal-year start shows up in the model graph as an input like any other.
 */
export async function writeConfigTables(db: Warehouse, config: Config): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS config");
  const { health, timeToValue, costs } = config;
  await db.run(
    `CREATE OR REPLACE TABLE config.settings AS SELECT
       $1::VARCHAR AS reporting_currency, $2::INTEGER AS fiscal_year_start_month, $3::DATE AS as_of,
       $4::INTEGER AS health_horizon_months, $5::VARCHAR AS ttv_rule, $6::VARCHAR AS ttv_milestone,
       $7::INTEGER AS ttv_active_users, $8::VARCHAR AS cost_allocate_by`,
    [
      config.reportingCurrency,
      config.fiscalYearStartMonth,
      config.asOf ?? null,
      health.horizonMonths,
      timeToValue.rule,
      timeToValue.milestone.toLowerCase(),
      timeToValue.activeUsers,
      costs.allocateBy,
    ],
  );
  await writeBands(db, "config.segment_bands", config.segments);
  await writeBands(db, "config.employee_bands", config.employeeBands);
  await writeBands(db, "config.touch_tiers", config.touchTiers);
  await writeBands(db, "config.health_bands", config.healthBands);
  await db.run("CREATE OR REPLACE TABLE config.health_measures (measure VARCHAR, label VARCHAR, weight DOUBLE)");
  await db.run("CREATE OR REPLACE TABLE config.health_thresholds (measure VARCHAR, value DOUBLE, score DOUBLE)");
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

async function writeList(db: Warehouse, table: string, column: string, values: readonly string[]): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${table} (${column} VARCHAR)`);
  for (const value of values) await db.run(`INSERT INTO ${table} VALUES ($1)`, [value]);
}

async function writeBands(db: Warehouse, table: string, bands: Bands): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${table} (position INTEGER, name VARCHAR, lower DOUBLE, upper DOUBLE)`);
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
