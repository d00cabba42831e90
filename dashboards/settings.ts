import { z } from "zod";

/** A target: a number, or a [low, high] range. */
const target = z.union([z.number(), z.tuple([z.number(), z.number()])]);

/** The dashboards' slice of the config (DESIGN "The house"): how figures show, what good looks like, the site. */
export const dashboardSettings = {
  /** How figures describe themselves on pages (DESIGN "Dashboards"). */
  display: z
    .object({
      /** A rate, AUC or lift resting on fewer than this many (accounts, renewals, churners) carries a caution and its interval. */
      minSample: z.number().int().min(1).default(30),
    })
    .prefault({}),
  /**
   * What good looks like for this team, drawn as reference lines and judged on tiles: a number, or a
   * [low, high] range, per metric name (e.g. nrr: 1.15, cost_to_retain: [0.05, 0.15]). None by
   * default: a built-in figure shown as "Target … not met" would read as the company's own.
   */
  targets: z.record(z.string(), target).default({}),
  /**
   * Targets that depend on the segment, per metric and segment (an SMB book holds less ARR than an
   * Enterprise one): `{ arr_per_csm: { SMB: 600000 } }`. A segment not named takes `targets`.
   */
  segmentTargets: z.record(z.string(), z.record(z.string(), target)).default({}),
  site: z
    .object({
      outDir: z.string().min(1).default("./site"),
      title: z.string().min(1).default("Bellwether"),
      /** Paper for `bellwether build --pdf`. */
      paper: z.enum(["A4", "Letter"]).default("A4"),
    })
    .prefault({}),
};

export type DashboardSlice = z.output<z.ZodObject<typeof dashboardSettings>>;
