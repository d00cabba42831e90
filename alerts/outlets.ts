import { renameSync, writeFileSync } from "node:fs";
import { type Config, configPath } from "../core/config.ts";
import { info, warn } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Alert, Evaluation } from "./evaluate.ts";

export interface Delivery {
  outlet: "file" | "webhook";
  status: "delivered" | "failed";
  attempts: number;
  error: string | null;
}

export type WebhookOutlet = NonNullable<Config["alerts"]["webhook"]>;

/**
 * Sends a run's alerts to the configured outlets: the run's output always, then the JSON file and the
 * webhook when configured. An outlet that fails is recorded in meta.alert_deliveries and reported; it
 * never fails the run (the alerts are in meta.alerts whatever happens to their delivery).
 */
export async function deliverAlerts(db: Warehouse, config: Config, runId: string, evaluation: Evaluation): Promise<Delivery[]> {
  for (const alert of evaluation.opened) info(`alert [${alert.severity}] ${alert.message}`);
  if (evaluation.closed.length) info(`alerts closed: ${evaluation.closed.length} (their condition no longer holds)`);
  const deliveries: Delivery[] = [];
  const { file, webhook } = config.alerts;
  if (file) deliveries.push(writeAlertFile(configPath(config, file), runId, evaluation));
  if (webhook && evaluation.opened.length) deliveries.push(await postAlerts(webhook, runId, evaluation));
  for (const d of deliveries) {
    await db.run("INSERT INTO meta.alert_deliveries VALUES ($1, $2, $3, $4, $5, $6, now()::TIMESTAMP)", [
      runId,
      d.outlet,
      d.status,
      d.attempts,
      evaluation.opened.length,
      d.error,
    ]);
    // Said even when the run is quiet (a scheduled job): the alerts did not go where they were meant to.
    if (d.status === "failed") warn(`alert outlet ${d.outlet} failed: ${d.error}; the alerts are in meta.alerts`);
  }
  return deliveries;
}

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

/** Slack's incoming-webhook message: a line of text, and a section per alert. */
function slackPayload(alerts: readonly Alert[]) {
  return {
    text: `Bellwether: ${alerts.length} new alert${alerts.length === 1 ? "" : "s"}`,
    blocks: alerts
      .slice(0, 45)
      .map((a) => ({ type: "section", text: { type: "mrkdwn", text: `*${a.severity}* · ${a.rule} · ${a.message}` } })),
  };
}

/**
 * POSTs the new alerts as JSON. A network error, a timeout, a 429 or a 5xx is tried again after
 * `backoffSeconds`, doubling, up to `retries` more times; any other answer is final.
 */
export async function postAlerts(webhook: WebhookOutlet, runId: string, evaluation: Evaluation): Promise<Delivery> {
  const body =
    webhook.format === "slack" ? slackPayload(evaluation.opened) : { run_id: runId, month: evaluation.month, alerts: evaluation.opened };
  let error = "";
  for (let attempt = 1; attempt <= webhook.retries + 1; attempt++) {
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(webhook.timeoutSeconds * 1000),
      });
      if (response.ok) return { outlet: "webhook", status: "delivered", attempts: attempt, error: null };
      error = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500) return { outlet: "webhook", status: "failed", attempts: attempt, error };
    } catch (caught) {
      // Never the URL: a Slack webhook's URL is its secret.
      const e = caught as Error & { cause?: { code?: string } };
      error = e.name === "TimeoutError" ? `no answer within ${webhook.timeoutSeconds} s` : (e.cause?.code ?? e.message);
    }
    if (attempt <= webhook.retries) await new Promise((resolve) => setTimeout(resolve, webhook.backoffSeconds * 1000 * 2 ** (attempt - 1)));
  }
  return { outlet: "webhook", status: "failed", attempts: webhook.retries + 1, error: `${error} (after ${webhook.retries + 1} attempts)` };
}
