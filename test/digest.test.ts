import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDigest, digestText, lastDigest, recordDigest } from "../alerts/digest.ts";
import { sendDigest } from "../alerts/digest-outlets.ts";
import { accountFile } from "../dashboards/pages/accounts.ts";
import { modelAssets } from "../orchestration/assets.ts";
import { alertsAsset } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { type ConfigInput, parseConfig } from "../project/config.ts";
import { ALERTS_HEALTH } from "./fixtures/alerts/config.ts";
import { buildFixture, cli, FIXTURES } from "./helpers.ts";
import { startSmtpServer } from "./support/smtp-server.ts";

/*
 * test/fixtures/alerts (README there) run month by month from February to June 2025 with the turned_red
 * rule, and a digest as of 2025-06-30 since 2025-03-01 (the bridge: March to June):
 *   ARR at 2025-02-28: B1 12,000 (monthly 1,000) + B2 12,000 (annual) + B3 6,000 (monthly 500) = 30,000;
 *   B3 ends 2025-03-15: churn −6,000 in March; nothing else moves: 24,000 at 2025-06-30.
 *   Movers: B3 alone, 6,000 → 0.
 *   Alerts: B2 is red from the first run (the baseline, not news); B1 turns red in April (opened) and is
 *   yellow again in June, when champion C3 arrives (closed).
 *   Renewals due after 2025-06-30 and by 2025-07-30: B2's annual renewal on 2025-07-01, red.
 */
const RULES: ConfigInput = { health: ALERTS_HEALTH, alerts: { rules: [{ kind: "turned_red" }] } };

let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-02-28" });
  for (const asOf of ["2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30"]) {
    const config = parseConfig({ ...RULES, warehouse: fixture.config.warehouse, asOf }, fixture.dir);
    const run = await runAssets(fixture.db, config, { assets: [...modelAssets(), alertsAsset()] });
    if (run.status !== "succeeded") throw new Error(`the run as of ${asOf} failed`);
  }
}, 120_000);
afterAll(async () => fixture?.cleanup());

const configWith = (input: ConfigInput) =>
  parseConfig({ ...RULES, asOf: "2025-06-30", warehouse: fixture.config.warehouse, ...input }, fixture.dir);

describe("the digest", () => {
  it("says what moved: the bridge, the movers, alerts opened and closed, renewals due with their band", async () => {
    const digest = await buildDigest(fixture.db, configWith({}), { since: "2025-03-01", pageOf: accountFile });
    expect(digest.bridge).toEqual({
      opening: 30_000,
      new: 0,
      reactivation: 0,
      expansion: 0,
      contraction: 0,
      churn: -6_000,
      closing: 24_000,
    });
    expect(digest.movers.map((m) => [m.account_id, m.before, m.after, m.change, m.page])).toEqual([
      ["B3", 6_000, 0, -6_000, "accounts/B3.html"],
    ]);
    expect(digest.opened.map((a) => [a.rule, a.account_id])).toEqual([["turned_red", "B1"]]);
    expect(digest.closed).toBe(1);
    expect(digest.renewals.map((r) => [r.account_id, r.due_date, r.arr_due, r.health_band])).toEqual([["B2", "2025-07-01", 12_000, "red"]]);
    const text = digestText(digest, "USD");
    expect(text).toContain("ARR $30,000 → $24,000 (−$6,000)");
    expect(text).toContain("Alerts opened: 1 · closed: 1");
  });

  it("arrives by webhook and by mail, and the next one starts where it ended", async () => {
    const posted: unknown[] = [];
    const receiver: Server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        posted.push(JSON.parse(body));
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const smtp = await startSmtpServer();
    try {
      const port = (receiver.address() as { port: number }).port;
      const config = configWith({
        digest: {
          file: "digest.txt",
          webhook: { url: `http://127.0.0.1:${port}/hook`, retries: 0 },
          email: {
            host: "127.0.0.1",
            port: smtp.port,
            user: "cs-ops",
            password: "s3cret",
            from: "bellwether@example.com",
            to: ["cfo@example.com", "cs@example.com"],
          },
        },
      });
      const digest = await buildDigest(fixture.db, config, { since: "2025-03-01", pageOf: accountFile });
      const text = digestText(digest, "USD");
      const deliveries = await sendDigest(config, digest, text);
      expect(deliveries.map((d) => [d.outlet, d.status, d.error])).toEqual([
        ["file", "delivered", null],
        ["webhook", "delivered", null],
        ["email", "delivered", null],
      ]);
      expect(readFileSync(join(fixture.dir, "digest.txt"), "utf8")).toBe(text);
      expect((posted[0] as { bridge: { churn: number } }).bridge.churn).toBe(-6_000);
      const [mail] = smtp.mails;
      expect([mail?.from, mail?.to, mail?.auth]).toEqual([
        "bellwether@example.com",
        ["cfo@example.com", "cs@example.com"],
        "\0cs-ops\0s3cret",
      ]);
      expect(mail?.data).toContain("Subject: Bellwether digest: 2025-03-01 to 2025-06-30\r\n");
      expect(mail?.data).toContain("\r\n\r\nBellwether digest: 2025-03-01 to 2025-06-30");
      expect(mail?.data).toContain("Leaves Green (B3): $6,000 → $0 (−$6,000) · accounts/B3.html");
      await recordDigest(fixture.db, digest);
      expect(await lastDigest(fixture.db)).toBe("2025-06-30");
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
      await smtp.close();
    }
  });

  it("refuses a mail address or subject that could become a header, naming the key", () => {
    expect(() => configWith({ digest: { email: { host: "h", from: "a@b.c\r\nBcc: x@y.z", to: ["c@d.e"] } } })).toThrow(
      "digest.email.from: expected a mail address",
    );
    expect(() => configWith({ digest: { email: { host: "h", from: "a@b.c", to: ["c@d.e"], subject: "Hi\r\nBcc: x@y.z" } } })).toThrow(
      "digest.email.subject: a subject is one line",
    );
  });
});

describe("bellwether digest", () => {
  // The CLI is another process: it needs the warehouse file unlocked. These tests run last in this file.
  beforeAll(() => fixture.db.close());

  it("prints the digest from a day, and says what is wrong with a bad one", () => {
    const warehouse = join(fixture.dir, "warehouse.duckdb");
    const printed = cli(["digest", "--since", "2025-03-01", "--dry-run", "--warehouse", warehouse], fixture.dir);
    expect(printed.stderr).toBe("");
    expect(printed.stdout.split("\n").slice(0, 4)).toEqual([
      "Bellwether digest: 2025-03-01 to 2025-06-30 (the bridge covers 2025-03-01 to 2025-06-30)",
      "",
      "ARR $30,000 → $24,000 (−$6,000)",
      "  new $0 · reactivation $0 · expansion $0 · contraction $0 · churn −$6,000",
    ]);
    const late = cli(["digest", "--since", "2025-07-15", "--dry-run", "--warehouse", warehouse], fixture.dir);
    expect([late.status, late.stderr.trim()]).toEqual([1, "bellwether: --since 2025-07-15 is after the warehouse's as-of day, 2025-06-30"]);
    const bad = cli(["digest", "--since", "last week", "--warehouse", warehouse], fixture.dir);
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'bellwether: --since must be an ISO date (YYYY-MM-DD), got "last week"']);
  });
});
