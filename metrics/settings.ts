import { z } from "zod";
import type { CoreSettings } from "../core/settings.ts";
import type { Catalog } from "./catalog.ts";

/** The metrics' slice of the config (DESIGN "The house"). */
export const metricSettings = {
  icp: z
    .object({
      /** Groups with fewer base accounts than this are flagged as too small to trust. */
      minAccounts: z.number().int().min(1).default(20),
    })
    .prefault({}),
};

/** What the metric layer reads: the config's core and metric slices, and the project's catalog. */
export type MetricSettings = CoreSettings &
  z.output<z.ZodObject<typeof metricSettings>> & {
    project: { catalog: Catalog };
  };
