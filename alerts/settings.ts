import { z } from "zod";
import type { CoreSettings } from "../core/settings.ts";
import { alertRuleSchema, DEFAULT_ALERT_RULES } from "./rules.ts";

/** A webhook: JSON, or Slack's incoming-webhook shape; its URL is its secret, never printed. */
const webhook = z
  .object({
    url: z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }),
    format: z.enum(["json", "slack"]).default("json"),
    timeoutSeconds: z.number().positive().max(300).default(10),
    retries: z.number().int().min(0).max(10).default(3),
    backoffSeconds: z.number().min(0).max(600).default(2),
  })
  .strict();

/** One mail address, with nothing that could end a header or an SMTP command. */
const address = z.string().regex(/^[^\s<>@,;:"()[\]\\]+@[^\s<>@,;:"()[\]\\]+$/, "expected a mail address such as cs-ops@example.com");

/** The alerts' slice of the config (DESIGN "The house"): what the React rules watch for, and where alerts go. */
export const alertSettings = {
  /** What the React rules watch for, and where their alerts go (DESIGN.md "React: alerts"). */
  alerts: z
    .object({
      rules: z
        .array(alertRuleSchema)
        .prefault(DEFAULT_ALERT_RULES)
        .superRefine((rules, ctx) => {
          const names = rules.map((r) => r.name ?? r.kind);
          const repeated = names.find((n, i) => names.indexOf(n) !== i);
          if (repeated) ctx.addIssue({ code: "custom", message: `two rules are named "${repeated}": give one a name of its own` });
        }),
      /** A JSON file (relative to the config) replaced on every run with the alerts it opened and closed. */
      file: z.string().min(1).optional(),
      /** A webhook to POST each run's new alerts to: JSON, or Slack's incoming-webhook shape. */
      webhook: webhook.optional(),
    })
    .strict()
    .prefault({}),
  /** Where `bellwether digest` (or a scheduled job with `digest: true`) sends what moved since the last one. */
  digest: z
    .object({
      /** A text file (relative to the config) replaced with each digest. */
      file: z.string().min(1).optional(),
      webhook: webhook.optional(),
      /** Mail through an SMTP server: plain, or TLS from the first byte (`tls: true`, usually port 465). */
      email: z
        .object({
          host: z.string().min(1),
          port: z.number().int().min(1).max(65_535).default(25),
          tls: z.boolean().default(false),
          user: z.string().min(1).optional(),
          password: z.string().optional(),
          from: address,
          to: z.array(address).min(1),
          subject: z
            .string()
            .regex(/^[^\r\n]+$/, "a subject is one line")
            .default("Bellwether digest"),
          timeoutSeconds: z.number().positive().max(300).default(30),
        })
        .strict()
        .optional(),
    })
    .strict()
    .prefault({}),
};

/** What the alerts read of the config. */
export type AlertSettings = CoreSettings & z.output<z.ZodObject<typeof alertSettings>>;
