import { renameSync, writeFileSync } from "node:fs";
import { configPath } from "../core/settings.ts";
import type { Digest } from "./digest.ts";
import { type Delivery, postWebhook, slackText } from "./outlets.ts";
import type { AlertSettings } from "./settings.ts";
import { sendMail } from "./smtp.ts";

/**
 * Sends a digest to the configured outlets: a text file, a webhook (the digest as JSON, or Slack blocks)
 * and mail. Each outlet that fails says why and stops no other; the digest's text is the caller's to print.
 */
export async function sendDigest(config: AlertSettings, digest: Digest, text: string): Promise<Delivery[]> {
  const { file, webhook, email } = config.digest;
  const deliveries: Delivery[] = [];
  if (file) {
    const path = configPath(config, file);
    try {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
      deliveries.push({ outlet: "file", status: "delivered", attempts: 1, error: null });
    } catch (error) {
      deliveries.push({ outlet: "file", status: "failed", attempts: 1, error: `${path}: ${(error as Error).message}` });
    }
  }
  if (webhook) deliveries.push(await postWebhook(webhook, webhook.format === "slack" ? slackDigest(text) : digest));
  if (email) {
    try {
      await sendMail(email, { from: email.from, to: email.to, subject: `${email.subject}: ${digest.since} to ${digest.asOf}`, text });
      deliveries.push({ outlet: "email", status: "delivered", attempts: 1, error: null });
    } catch (error) {
      deliveries.push({ outlet: "email", status: "failed", attempts: 1, error: (error as Error).message });
    }
  }
  return deliveries;
}

/** The digest's text as Slack blocks: a section a paragraph, every character from the data escaped. */
function slackDigest(text: string) {
  const paragraphs = text.trim().split("\n\n");
  return {
    text: paragraphs[0] ? slackText(paragraphs[0]) : "Bellwether digest",
    blocks: paragraphs.slice(0, 45).map((p) => ({ type: "section", text: { type: "mrkdwn", text: slackText(p).slice(0, 3000) } })),
  };
}
