import { z } from "zod";

/** The pipelines' slice of the config (DESIGN "The house"). */
export const pipelineSettings = {
  /**
   * Vendor mappings' parameters, by format (`{ stripe: { account_id: "crosswalk" } }`); a key that is
   * not a shipped format names a sub-folder of the sources folder read with the mapping in `mapping`.
   */
  mappings: z
    .record(z.string(), z.object({ mapping: z.string().optional(), params: z.record(z.string(), z.string()).default({}) }).strict())
    .default({}),
};
