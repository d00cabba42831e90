import { z } from "zod";
import { bandsSchema } from "../core/bands.ts";
import type { CoreSettings } from "../core/settings.ts";
import { healthSchema } from "./scorecard.ts";

/**
 * The models' slice of the config (DESIGN "The house"): the business definitions `config.*` tables hand
 * to the SQL models — segments and bands, the health scorecard, time to value, costs, renewals, forecast.
 */
export const modelSettings = {
  /** Segments by employee count (DESIGN.md: SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise). */
  segments: bandsSchema([{ name: "SMB", below: 100 }, { name: "Mid-Market", below: 1000 }, { name: "Enterprise" }]),
  /** Finer employee-count bands for ICP analysis (the `employee_band` dimension). */
  employeeBands: bandsSchema([
    { name: "1–49", below: 50 },
    { name: "50–99", below: 100 },
    { name: "100–249", below: 250 },
    { name: "250–999", below: 1000 },
    { name: "1,000–4,999", below: 5000 },
    { name: "5,000+" },
  ]),
  /** Touch tiers by account ARR in the reporting currency (tech < 10k ≤ low < 50k ≤ high). */
  touchTiers: bandsSchema([{ name: "tech", below: 10_000 }, { name: "low", below: 50_000 }, { name: "high" }]),
  /** The health scorecard: measures, thresholds, weights, bands and the backtest horizon. */
  health: healthSchema,
  /** Health bands by score (DESIGN.md: red < 40 ≤ yellow < 70 ≤ green). */
  healthBands: bandsSchema([{ name: "red", below: 40 }, { name: "yellow", below: 70 }, { name: "green" }]),
  timeToValue: z
    .object({
      /** "milestone": the first crm_milestones row named `milestone`; "usage": the first day `activeUsers` distinct users were active over a trailing 7 days. */
      rule: z.enum(["milestone", "usage"]).default("milestone"),
      milestone: z.string().min(1).default("value_one"),
      activeUsers: z.number().int().min(1).default(5),
    })
    .prefault({}),
  costs: z
    .object({
      /** Cost centres that count as the cost of retaining customers. */
      retentionCostCenters: z.array(z.string().min(1)).min(1).default(["csm", "support", "onboarding", "cs_ops", "renewals"]),
      /** How a cost row with no segment is shared between segments: by their ARR or their account count that month. */
      allocateBy: z.enum(["arr", "accounts"]).default("arr"),
    })
    .prefault({}),
  renewals: z
    .object({
      /** Days after a renewal's due date at which its outcome (the account's ARR then) is read. */
      graceDays: z.number().int().min(0).max(365).default(30),
      /** A churn or contraction takes its reason from a lost or contracted renewal opportunity closed within this many months of it. */
      reasonWindowMonths: z.number().int().min(0).max(24).default(3),
      /** Loss reason (as the CRM writes it, any case) → category; a reason not listed is "unknown". */
      reasonCategories: z.record(z.string().min(1), z.string().min(1)).default({
        "low adoption": "preventable",
        "champion left": "preventable",
        "poor support": "preventable",
        "switched to competitor": "preventable",
        "missing features": "preventable",
        budget: "not preventable",
        "company acquired": "not preventable",
        "out of business": "not preventable",
      }),
    })
    .prefault({}),
  forecast: z
    .object({
      /** A band × segment cell of the backtest with fewer accounts than this borrows its band's loss rate. */
      minAccounts: z.number().int().min(1).default(20),
    })
    .prefault({}),
  /**
   * Owners that are pools (a digital-CS queue), not people: shown as pools and left out of per-CSM
   * ratios. The default names the sample's; set your CRM's (or [] for none).
   */
  pools: z.array(z.string().min(1)).default(["Digital CS"]),
};

/** What the models read of the config. */
export type ModelSettings = CoreSettings & z.output<z.ZodObject<typeof modelSettings>>;
