import type { ConfigInput } from "../../project/config.ts";

type Measure = NonNullable<NonNullable<ConfigInput["health"]>["measures"]>[number];

/**
 * The health measure several fixtures score by: champions and buyers, 0 → 0, 1 → 50, 2 or more → 100
 * (with the default bands: 0 red, 1 yellow, 2 green).
 */
export const RELATIONSHIP_MEASURE: Measure = {
  input: "relationship",
  weight: 1,
  thresholds: [
    [0, 0],
    [2, 100],
  ],
};
