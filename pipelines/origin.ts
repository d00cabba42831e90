import { dirname, join, resolve, sep } from "node:path";
import { isPostgresUrl } from "../core/postgres-warehouse.ts";
import { InputError } from "../core/errors.ts";
import type { Warehouse } from "../core/warehouse.ts";

export type Origin = "sample" | "own files";

/** The folder `build --sample` writes the sample to: beside a warehouse file, or in the working folder for a database. */
export const sampleDir = (warehouse: string) =>
  isPostgresUrl(warehouse) ? resolve(".bellwether", "sample") : join(dirname(warehouse), ".bellwether", "sample");

export const originOf = (sourcesDir: string, warehouse: string): Origin =>
  sourcesDir === sampleDir(warehouse) || sourcesDir.startsWith(`${sampleDir(warehouse)}${sep}`) ? "sample" : "own files";

/**
 * A warehouse holds the sample or a team's own files, never both: 600 sample accounts beside five real
 * ones would give a confident wrong answer. The first landing claims it (a warehouse from before this
 * check is known by the files it loaded); landing the other kind is refused with how to start fresh.
 */
export async function claimOrigin(db: Warehouse, origin: Origin, sourcesDir: string): Promise<void> {
  const held = await checkOrigin(db, origin, sourcesDir);
  await db.run("CREATE SCHEMA IF NOT EXISTS meta");
  await db.run("CREATE TABLE IF NOT EXISTS meta.origin (origin VARCHAR NOT NULL, sources VARCHAR, claimed_at TIMESTAMP NOT NULL)");
  if (!(await db.one("SELECT 1 AS one FROM meta.origin"))) {
    await db.run("INSERT INTO meta.origin VALUES ($1, $2, now()::TIMESTAMP)", [held ?? origin, sourcesDir]);
  }
}

/** What the warehouse holds, if anything; throws when it is not `origin`. Writes nothing (works read-only). */
export async function checkOrigin(db: Warehouse, origin: Origin, sourcesDir: string): Promise<Origin | undefined> {
  let held = (await db.tableExists("meta", "origin"))
    ? (await db.one<{ origin: Origin }>("SELECT origin FROM meta.origin"))?.origin
    : undefined;
  if (!held && (await db.tableExists("meta", "loads"))) {
    const loads = await db.all<{ file: string }>("SELECT DISTINCT file FROM meta.loads WHERE status = 'landed'");
    if (loads.length) held = loads.every((l) => originOf(dirname(l.file), db.path) === "sample") ? "sample" : "own files";
  }
  if (held && held !== origin) {
    const fresh =
      origin === "sample"
        ? "bellwether build --sample --warehouse ./sample.duckdb --site ./sample-site"
        : `bellwether build --sources ${sourcesDir} --warehouse ./mine.duckdb --site ./mine-site   (or: rm ${db.path} and build again)`;
    throw new InputError(
      `${db.path} holds ${held === "sample" ? "the sample data" : "your own files"}; landing ${origin === "sample" ? "the sample" : `your files from ${sourcesDir}`} into it would mix the two. Nothing was landed. Start a separate warehouse: ${fresh}`,
    );
  }
  return held;
}
