import { z } from "zod";

/**
 * The raw inputs of the health score, one column each of `marts.health_inputs`. A scorecard measure
 * scores one of them; a new input is a new column there and a name here.
 */
export const HEALTH_INPUTS = [
  "active_users_per_seat",
  "usage_trend",
  "sentiment",
  "open_urgent_tickets",
  "tickets_per_seat_90d",
  "first_response_hours_90d",
  "relationship",
  "adoption_breadth",
] as const;

/**
 * `[value, score]` points, values rising. A value between two points scores on the straight line
 * between them; below the first or above the last it scores like that point. Scores may fall
 * (fewer open urgent tickets is better).
 */
const thresholds = z
  .array(z.tuple([z.number(), z.number().min(0).max(100)]))
  .min(2, "a measure needs at least two [value, score] points")
  .superRefine((points, ctx) => {
    points.forEach(([value], i) => {
      const previous = points[i - 1]?.[0];
      if (previous !== undefined && value <= previous) {
        ctx.addIssue({ code: "custom", path: [i, 0], message: `values must rise: expected a number above ${previous}` });
      }
    });
  });

const measure = z.object({
  input: z.enum(HEALTH_INPUTS),
  label: z.string().min(1).optional(),
  weight: z.number().positive(),
  thresholds,
});

/**
 * DESIGN.md's default measures. Weights are relative (they need not sum to 100); they were set from
 * each measure's own backtest AUC on the sample book (utilisation and sentiment predict churn best,
 * the usage trend least), to be re-tuned on a real book with `health_auc`.
 */
const DEFAULT_MEASURES: z.input<typeof measure>[] = [
  {
    input: "active_users_per_seat",
    label: "Active users per seat (30d)",
    weight: 30,
    thresholds: [
      [0.1, 0],
      [0.7, 100],
    ],
  },
  {
    input: "usage_trend",
    label: "Usage trend (30d vs prior 30d)",
    weight: 5,
    thresholds: [
      [-0.5, 0],
      [0, 70],
      [0.2, 100],
    ],
  },
  {
    input: "sentiment",
    label: "Sentiment (latest NPS/CSAT, 180d)",
    weight: 25,
    thresholds: [
      [2, 0],
      [7, 60],
      [9, 100],
    ],
  },
  {
    input: "open_urgent_tickets",
    label: "Open high/urgent tickets",
    weight: 5,
    thresholds: [
      [0, 100],
      [3, 0],
    ],
  },
  {
    input: "tickets_per_seat_90d",
    label: "Tickets per seat (90d)",
    weight: 5,
    thresholds: [
      [0.05, 100],
      [0.5, 0],
    ],
  },
  {
    input: "first_response_hours_90d",
    label: "First response, median hours (90d)",
    weight: 10,
    thresholds: [
      [4, 100],
      [48, 0],
    ],
  },
  {
    input: "relationship",
    label: "Active champions and buyers",
    weight: 10,
    thresholds: [
      [0, 0],
      [1, 50],
      [3, 100],
    ],
  },
  {
    input: "adoption_breadth",
    label: "Key features used (30d)",
    weight: 10,
    thresholds: [
      [1, 0],
      [6, 100],
    ],
  },
];

export const healthSchema = z
  .object({
    measures: z
      .array(measure)
      .min(1)
      .default(DEFAULT_MEASURES)
      .superRefine((measures, ctx) => {
        const inputs = measures.map((m) => m.input);
        const repeated = inputs.find((n, i) => inputs.indexOf(n) !== i);
        if (repeated) ctx.addIssue({ code: "custom", message: `measure "${repeated}" is scored twice` });
      }),
    /**
     * The least share of the measures' total weight that must have data for a score. Below it the
     * account is unscored: a CRM older than the help desk and the product analytics would otherwise
     * "score" years of history on contacts alone.
     */
    minCoverage: z.number().min(0).max(1).default(0.25),
    /** Backtest horizon: did the account churn or contract within this many months of the snapshot? */
    horizonMonths: z.number().int().min(1).max(36).default(9),
    /** Event names that count as key features for adoption breadth; empty means every event name. */
    keyEvents: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

export type HealthConfig = z.output<typeof healthSchema>;
