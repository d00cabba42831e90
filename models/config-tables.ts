import type { Config } from "../core/config.ts";
import type { Warehouse } from "../core/warehouse.ts";

type Bands = Config["segments"];

/**
 * The config's settings and bands as tables in `config.*`, so models stay plain SQL and a changed
 * band or fiscal-year start shows up in the model graph as an input like any other.
 */
export async function writeConfigTables(db: Warehouse, config: Config): Promise<void> {
  await db.run("CREATE SCHEMA IF NOT EXISTS config");
  await db.run(
    "CREATE OR REPLACE TABLE config.settings AS SELECT $1::VARCHAR AS reporting_currency, $2::INTEGER AS fiscal_year_start_month, $3::DATE AS as_of",
    [config.reportingCurrency, config.fiscalYearStartMonth, config.asOf ?? null],
  );
  await writeBands(db, "config.segment_bands", config.segments);
  await writeBands(db, "config.employee_bands", config.employeeBands);
  await writeBands(db, "config.touch_tiers", config.touchTiers);
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
