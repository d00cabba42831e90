import { z } from "zod";

/** A band is open-ended upwards when it has no `below`; bands are listed low to high. */
const band = z.object({
  name: z.string().min(1),
  below: z.number().positive().optional(),
});

export function bandsSchema(defaults: z.input<typeof band>[]) {
  return z
    .array(band)
    .min(1)
    .default(defaults)
    .superRefine((bands, ctx) => {
      bands.forEach((b, i) => {
        const last = i === bands.length - 1;
        if (last && b.below !== undefined) {
          ctx.addIssue({ code: "custom", path: [i, "below"], message: "the last band must be open-ended (no `below`)" });
        }
        if (!last && b.below === undefined) {
          ctx.addIssue({ code: "custom", path: [i, "below"], message: "every band but the last needs `below`" });
        }
        const previous = bands[i - 1]?.below;
        if (previous !== undefined && b.below !== undefined && b.below <= previous) {
          ctx.addIssue({
            code: "custom",
            path: [i, "below"],
            message: `bands must rise: expected a number above ${previous}`,
          });
        }
      });
      const names = bands.map((b) => b.name);
      const repeated = names.find((n, i) => names.indexOf(n) !== i);
      if (repeated) ctx.addIssue({ code: "custom", message: `band name "${repeated}" is used twice` });
    });
}
