import { defineDimension } from "./definition.ts";

export const dimensions = [
  defineDimension({
    name: "segment",
    label: "Segment",
    description: "Employee-count band from the config (default SMB < 100 ≤ Mid-Market < 1000 ≤ Enterprise); Unknown without a count.",
    column: "segment",
  }),
  defineDimension({
    name: "touch_tier",
    label: "Touch tier",
    description: "ARR band as of the month from the config (default tech < 10k ≤ low < 50k ≤ high).",
    column: "touch_tier",
  }),
];
