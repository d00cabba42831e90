import { type CoreSettings, configPath } from "./settings.ts";
import { isPostgresUrl, PostgresWarehouse } from "./postgres-warehouse.ts";
import { Warehouse } from "./warehouse.ts";

/** Where a config's warehouse is: a DuckDB file (relative to the config) or a postgres:// URL as given. */
export function warehouseLocation(config: CoreSettings): string {
  return isPostgresUrl(config.warehouse) ? config.warehouse : configPath(config, config.warehouse);
}

/** The warehouse a config names: an embedded DuckDB file with its memory limit, or a PostgreSQL database. */
export function openWarehouse(config: CoreSettings): Promise<Warehouse> {
  if (isPostgresUrl(config.warehouse)) return PostgresWarehouse.connect(config.warehouse);
  return Warehouse.open(configPath(config, config.warehouse), { memoryLimit: config.memoryLimit });
}

/** The warehouse a config names, read-only (for commands that only read), waiting up to `waitSeconds` for a writer. */
export function openWarehouseForReading(config: CoreSettings, waitSeconds?: number): Promise<Warehouse> {
  if (isPostgresUrl(config.warehouse)) return PostgresWarehouse.connect(config.warehouse, { readOnly: true });
  return Warehouse.openReadOnly(configPath(config, config.warehouse), { memoryLimit: config.memoryLimit, waitSeconds });
}
