import { resolve } from "node:path";
import { z } from "zod";

/**
 * DuckDB's own default is 80% of RAM: too much to share a laptop with. DuckDB spills what does not fit
 * to disk: at 1GB the large sample's full build peaks at 1.7 GiB, not 3.6 GiB as at 3GB, in about the
 * same time (landing its 40M events: 64.5 s against 64.2 s).
 */
export const DEFAULT_MEMORY_LIMIT = "1GB";

export const isoDate = z.iso.date({ error: "expected an ISO date, YYYY-MM-DD" });

/**
 * The config's plumbing slice (DESIGN "The house"): where the warehouse is, the money and the calendar
 * every layer reads. The other layers own their slices; `project/config.ts` joins them into one schema.
 */
export const coreSettings = {
  /** The DuckDB file; relative paths are relative to the config file. */
  warehouse: z.string().min(1).default("./warehouse.duckdb"),
  /** DuckDB's memory cap (it spills to disk beyond it), e.g. "3GB"; 1GB by default. */
  memoryLimit: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'expected a size such as "3GB" or "512MB"')
    .default(DEFAULT_MEMORY_LIMIT),
  /** The sources folder `build` and `ingest` read when no --sources/--dir is given. */
  sources: z.string().min(1).optional(),
  /** ISO 4217 code that money is reported in; other currencies convert through finance_fx_rates. */
  reportingCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, "expected a three-letter upper-case ISO 4217 code such as USD")
    .default("USD"),
  /**
   * The business time zone (IANA name): a timestamp that carries a zone ("…Z", "…+02:00", Parquet
   * TIMESTAMPTZ) lands as the wall-clock time there, and a date given as an instant takes its date there.
   */
  timeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'expected an IANA time zone such as "UTC" or "Europe/Berlin"')
    .default("UTC"),
  /** Month (1–12) in which the fiscal year starts; fiscal years are named for the calendar year they end in. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  /** Last day of data to report on; by default the last day of the month of the newest subscription date. */
  asOf: isoDate.optional(),
  /** Default window for NRR, GRR and logo retention. */
  retentionWindowMonths: z.number().int().min(1).max(120).default(12),
};

/** What every layer may read of the config: its plumbing slice, and the folder relative paths resolve against. */
export type CoreSettings = z.output<z.ZodObject<typeof coreSettings>> & { root: string };

/** Resolves a path from the config against the config's folder. */
export function configPath(config: Pick<CoreSettings, "root">, path: string): string {
  return resolve(config.root, path);
}
