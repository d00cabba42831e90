import { renameSync, writeFileSync } from "node:fs";
import { configPath } from "../core/settings.ts";
import type { AlertSettings } from "./settings.ts";
import { info, warn } from "../core/log.ts";
import { redactUrls } from "../core/secrets.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Alert, Evaluation } from "./evaluate.ts";

export interface Delivery {
  outlet: "file" | "webhook" | "email";
  status: "delivered" | "failed";
  attempts: number;
  error: string | null;
}

export type WebhookOutlet = NonNullable<AlertSettings["alerts"]["webhook"]>;

/**
 * What a run still has to send once the warehouse is released and the site published: a webhook that
 * is slow or never answers holds up neither a reader nor the site.
 */
export interface Outbox {
  runId: string;
  opened: number;
  send(): Promise<Delivery[]>;
}

/**
 * Sends a run's alerts to the local outlets (the run's output always, the JSON file when configured) and
 * returns the webhook's post, when one is configured and there is news, as an outbox to send after the
 * run. An outlet that fails is recorded in meta.alert_deliveries and reported; it never fails the run
 * (the alerts are in meta.alerts whatever happens to their delivery).
 */
export async function deliverAlerts(
  db: Warehouse,
  config: AlertSettings,
  runId: string,
  evaluation: Evaluation,
): Promise<{ deliveries: Delivery[]; outbox: Outbox | null }> {
  const base = evaluation.baseline.filter((b) => b.subjects > 0);
  if (evaluation.baseline.length) {
    info(
      `alerts: first evaluation of ${evaluation.baseline.length} rule(s) on this warehouse: ${base.reduce((n, b) => n + b.subjects, 0)} condition(s) already true recorded as the baseline, not sent${base.length ? ` (${base.map((b) => `${b.rule} ${b.subjects}`).join(", ")})` : ""}; later runs alert on what changes`,
    );
  }
  for (const alert of evaluation.opened) info(`alert [${alert.severity}] ${alert.message}`);
  if (evaluation.closed.length) info(`alerts closed: ${evaluation.closed.length} (their condition no longer holds)`);
  const deliveries: Delivery[] = [];
  const { file, webhook } = config.alerts;
  if (file) deliveries.push(writeAlertFile(configPath(config, file), runId, evaluation));
  await recordDeliveries(db, runId, evaluation.opened.length, deliveries);
  const outbox =
    webhook && evaluation.opened.length
      ? { runId, opened: evaluation.opened.length, send: async () => [await postAlerts(webhook, runId, evaluation)] }
      : null;
  return { deliveries, outbox };
}

/** Records deliveries in meta.alert_deliveries (and beside the run's alerts asset, for `status`); warns of failures. */
export async function recordDeliveries(db: Warehouse, runId: string, opened: number, deliveries: readonly Delivery[]): Promise<void> {
  for (const d of deliveries) {
    await db.run("INSERT INTO meta.alert_deliveries VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)", [
      runId,
      d.outlet,
      d.status,
      d.attempts,
      opened,
      d.error,
    ]);
    // Said even when the run is quiet (a scheduled job): the alerts did not go where they were meant to.
    if (d.status === "failed") warn(`alert outlet ${d.outlet} failed: ${d.error}; the alerts are in meta.alerts`);
  }
}

/** How a delivery reads in the alerts asset's checks. */
export const deliveryCheck = (d: Delivery) => (d.status === "delivered" ? `${d.outlet} delivered` : `${d.outlet} FAILED: ${d.error}`);

/** The run's alerts as one JSON document, replaced whole (written beside, then renamed). */
function writeAlertFile(path: string, runId: string, evaluation: Evaluation): Delivery {
  try {
    const body = { run_id: runId, month: evaluation.month, opened: evaluation.opened, closed: evaluation.closed };
    writeFileSync(`${path}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return { outlet: "file", status: "delivered", attempts: 1, error: null };
  } catch (error) {
    return { outlet: "file", status: "failed", attempts: 1, error: `${path}: ${(error as Error).message}` };
  }
}

/**
 * Text from the data in Slack's mrkdwn: its three control characters escaped, so a name such as
 * `<!channel>` or `<https://evil.example|Renew now>` is shown as typed, never pings or links.
 */
export const slackText = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Slack's incoming-webhook message: a line of text, and a section per alert. */
function slackPayload(alerts: readonly Alert[]) {
  return {
    text: `Bellwether: ${alerts.length} new alert${alerts.length === 1 ? "" : "s"}`,
    blocks: alerts.slice(0, 45).map((a) => ({
      type: "section",
      text: { type: "mrkdwn", text: `*${slackText(a.severity)}* · ${slackText(a.rule)} · ${slackText(a.message)}` },
    })),
  };
}

/**
 * The request for a webhook URL: a user and password in it go in an Authorization header (fetch refuses
 * them in the URL, and its refusal would print them).
 */
function webhookRequest(url: string): { target: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (parsed.username || parsed.password) {
    const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    parsed.username = "";
    parsed.password = "";
  }
  return { target: parsed.toString(), headers };
}

/**
 * POSTs the new alerts as JSON. A network error, a timeout, a 429 or a 5xx is tried again after
 * `backoffSeconds`, doubling, up to `retries` more times; any other answer is final. A redirect is never
 * followed (it would send the alerts to an address nobody configured): it fails the delivery. No message
 * carries the URL: a webhook's URL is its secret.
 */
export async function postAlerts(webhook: WebhookOutlet, runId: string, evaluation: Evaluation): Promise<Delivery> {
  const body =
    webhook.format === "slack" ? slackPayload(evaluation.opened) : { run_id: runId, month: evaluation.month, alerts: evaluation.opened };
  return postWebhook(webhook, body);
}

/** POSTs a JSON body to a webhook, with postAlerts's retries, timeout and refusal to follow a redirect. */
export async function postWebhook(webhook: WebhookOutlet, body: unknown): Promise<Delivery> {
  let error = "";
  const { target, headers } = webhookRequest(webhook.url);
  for (let attempt = 1; attempt <= webhook.retries + 1; attempt++) {
    try {
      const response = await fetch(target, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(webhook.timeoutSeconds * 1000),
      });
      await response.body?.cancel();
      if (response.status >= 300 && response.status < 400) {
        const error = `HTTP ${response.status}: a redirect to another address, not followed (configure the address it points to)`;
        return { outlet: "webhook", status: "failed", attempts: attempt, error };
      }
      if (response.ok) return { outlet: "webhook", status: "delivered", attempts: attempt, error: null };
      error = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) return { outlet: "webhook", status: "failed", attempts: attempt, error };
    } catch (caught) {
      // Never the URL: a Slack webhook's URL is its secret.
      const e = caught as Error & { cause?: { code?: string } };
      error = e.name === "TimeoutError" ? `no answer within ${webhook.timeoutSeconds} s` : (e.cause?.code ?? redactUrls(e.message));
    }
    if (attempt <= webhook.retries) await new Promise((resolve) => setTimeout(resolve, webhook.backoffSeconds * 1000 * 2 ** (attempt - 1)));
  }
  return { outlet: "webhook", status: "failed", attempts: webhook.retries + 1, error: `${error} (after ${webhook.retries + 1} attempts)` };
}
