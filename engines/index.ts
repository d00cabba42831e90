import { bigquery } from "./bigquery.ts";
import type { Dialect, EngineName } from "./dialect.ts";
import { duckdb } from "./duckdb.ts";
import { postgres } from "./postgres.ts";
import { snowflake } from "./snowflake.ts";

export const dialects: Record<EngineName, Dialect> = { duckdb, postgres, snowflake, bigquery };

export { type Dialect, type EngineName, ENGINES, renderIdentifiers, renderPlaceholders, renderSql } from "./dialect.ts";
