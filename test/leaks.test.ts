import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ConfigInput, parseConfig } from "../project/config.ts";
import { printable } from "../core/log.ts";
import { loadProjectFolder } from "../project/folder.ts";
import { parsePostgresUrl } from "../core/postgres-warehouse.ts";
import { redactUrls } from "../core/secrets.ts";
import { Warehouse } from "../core/warehouse.ts";
import { alertsAsset, modelAssets } from "../orchestration/assets.ts";
import { runAssets } from "../orchestration/run.ts";
import { ALERTS_HEALTH } from "./fixtures/alerts/config.ts";
import { buildFixture, cli, FIXTURES, ROOT, tempDir } from "./helpers.ts";

/*
 * Issue 31: nothing leaked on the newer surfaces. Secrets never printed or stored; webhooks never follow
 * a redirect and never hold the warehouse; text from the data never becomes Slack markup or a terminal
 * escape. Receivers run on 127.0.0.1, started and stopped here.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A receiver on 127.0.0.1 answering every POST with `answer` (a status, a redirect to `location`, or silence). */
async function receiver(answer: number | "hang", location?: string) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let data = "";
    request.on("data", (chunk) => (data += chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers, body: data ? JSON.parse(data) : null });
      if (answer === "hang") return;
      response.writeHead(answer, location ? { location } : {}).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Health by relationship alone, and the rule that fires on the alerts fixture in March (B1's score falls 100 → 50). */
const RULES: ConfigInput = {
  health: ALERTS_HEALTH,
  alerts: { rules: [{ kind: "score_drop", points: 20 }] },
};

/** The alerts fixture with B1 renamed: text from the CRM that a careless outlet would obey. */
function alertsBook(b1Name: string): { dir: string; cleanup(): void } {
  const folder = tempDir("bellwether-leaks-");
  for (const file of readdirSync(join(FIXTURES, "alerts")).filter((f) => f.endsWith(".csv"))) {
    copyFileSync(join(FIXTURES, "alerts", file), join(folder.dir, file));
  }
  writeFileSync(
    join(folder.dir, "crm_accounts.csv"),
    `account_id,name,employee_count,owner_csm\nB1,"${b1Name.replaceAll('"', '""')}",500,Ana\nB2,Renews Red,500,Ben\nB3,Leaves Green,500,Ana\n`,
  );
  return folder;
}

/**
 * February (the rule's first evaluation: its baseline, sent nowhere), then March with the webhook: March
 * opens B1's score_drop. Returns what the warehouse recorded.
 */
async function marchWithWebhook(sources: string, webhook: Record<string, unknown>) {
  const fixture = await buildFixture(sources, { ...RULES, asOf: "2025-02-28" });
  try {
    await runAssets(fixture.db, parseConfig({ ...RULES, warehouse: fixture.config.warehouse, asOf: "2025-02-28" }, fixture.dir), {
      assets: [...modelAssets(), alertsAsset()],
    });
    const config = parseConfig(
      { ...RULES, alerts: { ...RULES.alerts, webhook }, warehouse: fixture.config.warehouse, asOf: "2025-03-31" },
      fixture.dir,
    );
    const run = await runAssets(fixture.db, config, { assets: [...modelAssets(), alertsAsset()] });
    const deliveries = await fixture.db.all("SELECT status, attempts, error FROM meta.alert_deliveries");
    const history = JSON.stringify(await fixture.db.all("SELECT * FROM meta.materializations"));
    await fixture.db.close();
    const status = cli(["status", "--format", "json", "--warehouse", fixture.config.warehouse], fixture.dir);
    return { run, deliveries, stored: `${history}\n${status.stdout}\n${status.stderr}` };
  } finally {
    await fixture.cleanup();
  }
}

describe("the webhook outlet", () => {
  it("never follows a redirect: the alerts go nowhere else, and the delivery failed, saying why", async () => {
    for (const code of [307, 302]) {
      const elsewhere = await receiver(200);
      const hook = await receiver(code, elsewhere.url);
      const book = alertsBook("Renews Red");
      try {
        const { run, deliveries } = await marchWithWebhook(book.dir, { url: hook.url, retries: 2, backoffSeconds: 0 });
        expect(run.status).toBe("succeeded");
        expect(hook.received).toHaveLength(1);
        expect(elsewhere.received).toEqual([]);
        expect(deliveries).toEqual([
          {
            status: "failed",
            attempts: 1,
            error: `HTTP ${code}: a redirect to another address, not followed (configure the address it points to)`,
          },
        ]);
      } finally {
        await hook.close();
        await elsewhere.close();
        book.cleanup();
      }
    }
  }, 120_000);

  it("sends a URL's user and password as an Authorization header, and stores neither them nor its path", async () => {
    const hook = await receiver(500);
    const book = alertsBook("Renews Red");
    try {
      const url = `http://bell:s3cr3t-p%40ss@127.0.0.1:${hook.port}/services/T0KEN-PATH?token=QUERYSECRET`;
      const { deliveries, stored } = await marchWithWebhook(book.dir, { url, retries: 1, backoffSeconds: 0 });
      expect(hook.received).toHaveLength(2);
      expect(hook.received[0]?.path).toBe("/services/T0KEN-PATH?token=QUERYSECRET");
      expect(hook.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from("bell:s3cr3t-p@ss").toString("base64")}`);
      expect(deliveries).toEqual([{ status: "failed", attempts: 2, error: "HTTP 500 (after 2 attempts)" }]);
      for (const secret of ["s3cr3t", "T0KEN-PATH", "QUERYSECRET"]) expect(stored).not.toContain(secret);
      expect(stored).toContain("webhook FAILED: HTTP 500 (after 2 attempts)");
    } finally {
      await hook.close();
      book.cleanup();
    }
  }, 120_000);

  it("escapes Slack's markup in text from the data: a name cannot ping the channel or hide a link", async () => {
    const hook = await receiver(200);
    const book = alertsBook("<!channel> <https://evil.example|Renew now> & co");
    try {
      const { deliveries } = await marchWithWebhook(book.dir, { url: hook.url, format: "slack", retries: 0 });
      expect(deliveries).toEqual([{ status: "delivered", attempts: 1, error: null }]);
      const body = hook.received[0]?.body as { blocks: { text: { text: string } }[] };
      const text = body.blocks.map((b) => b.text.text).join("\n");
      expect(text).toContain("&lt;!channel&gt; &lt;https://evil.example|Renew now&gt; &amp; co (B1) health fell 50 points");
      expect(text).not.toContain("<!channel>");
      expect(text).not.toContain("<https://");
    } finally {
      await hook.close();
      book.cleanup();
    }
  }, 120_000);

  it("sends after the run: a receiver that never answers holds neither the site nor a reader", async () => {
    const hook = await receiver("hang");
    const book = alertsBook("Renews Red");
    const work = tempDir("bellwether-leaks-job-");
    try {
      const exports = join(work.dir, "exports");
      mkdirSync(exports);
      for (const file of readdirSync(book.dir)) copyFileSync(join(book.dir, file), join(exports, file));
      const config = (asOf: string, webhook: boolean) =>
        `export default ${JSON.stringify({
          ...RULES,
          sources: "./exports",
          asOf,
          // Last night's build took the rule's baseline; tonight's opens B1's score_drop and posts it.
          alerts: webhook ? { ...RULES.alerts, webhook: { url: hook.url, timeoutSeconds: 20, retries: 0 } } : RULES.alerts,
        })};\n`;
      writeFileSync(join(work.dir, "bellwether.config.ts"), config("2025-02-28", false));
      expect(cli(["build", "--quiet"], work.dir).status).toBe(0);
      writeFileSync(join(work.dir, "bellwether.config.ts"), config("2025-03-31", true));
      const child = spawn(process.execPath, [join(ROOT, "bin", "bellwether.js"), "build"], { cwd: work.dir });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
      // The POST arrives once the run is over; the receiver keeps it waiting.
      const deadline = Date.now() + 90_000;
      while (hook.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(hook.received).toHaveLength(1);
      expect(output).toContain("Site:");
      expect(existsSync(join(work.dir, "site", "board.html"))).toBe(true);
      // A reader gets the warehouse while the webhook hangs.
      const reader = cli(["query", "arr", "--format", "json", "--to", "2025-03-31", "--from", "2025-03-01"], work.dir);
      expect(reader.stderr).toBe("");
      expect(reader.status).toBe(0);
      await hook.close();
      expect(await exited).toBe(0);
      const db = await Warehouse.openReadOnly(join(work.dir, "warehouse.duckdb"));
      try {
        const recorded = await db.all<{ status: string }>("SELECT status FROM meta.alert_deliveries");
        expect(recorded).toEqual([{ status: "failed" }]);
      } finally {
        await db.close();
      }
    } finally {
      await hook.close();
      book.cleanup();
      work.cleanup();
    }
  }, 180_000);
});

describe("secrets in URLs and config", () => {
  it("shows a PostgreSQL URL without its password, however it is given", () => {
    expect(parsePostgresUrl("postgres://me:pa@ss@db.example/cs?schema=bw").display).toBe("postgres://me@db.example/cs?schema=bw");
    expect(parsePostgresUrl("postgres://me@db.example/cs?password=hunter2&schema=bw").display).toBe(
      "postgres://me@db.example/cs?password=***&schema=bw",
    );
    expect(redactUrls("could not connect to postgres://me:p@ss@word@10.0.0.1/cs: timeout")).toBe(
      "could not connect to postgres://me@10.0.0.1/cs: timeout",
    );
    expect(redactUrls("see https://u:secret@hooks.example/x?token=abc")).toBe("see https://hooks.example/x?token=***");
    expect(redactUrls("read https://docs.example/page")).toBe("read https://docs.example/page");
  });

  it("never echoes a webhook URL in a config error", () => {
    const url = "ftp://hooks.slack.com/services/T000/B000/XXXXSECRET";
    expect(() => parseConfig({ alerts: { webhook: { url } } }, "/tmp")).toThrow(/alerts\.webhook\.url: .*a value not shown/);
    try {
      parseConfig({ alerts: { webhook: { url } } }, "/tmp");
    } catch (error) {
      expect((error as Error).message).not.toContain("XXXXSECRET");
    }
  });
});

describe("terminal output", () => {
  it("shows control characters in names as escapes, never obeys them", () => {
    expect(printable("A\u001b]0;pwned\u0007B\u001b[2JC\rD\u009b1mE\tF\nG")).toBe("A\\e]0;pwned\\u0007B\\e[2JC\\u000dD\\u009b1mE\tF\nG");
  });

  it("in values, query and build output", () => {
    const book = alertsBook("Evil\u001b]0;pwned\u0007 \u001b[2J Ltd");
    const work = tempDir("bellwether-leaks-tty-");
    try {
      const built = cli(["build", "--sources", book.dir, "--as-of", "2025-03-31"], work.dir);
      expect(built.status).toBe(0);
      const values = cli(["values", "owner_csm"], work.dir);
      const alerts = cli(["alerts"], work.dir);
      for (const out of [built.stdout, built.stderr, values.stdout, alerts.stdout, alerts.stderr]) {
        expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
      }
      expect(`${built.stderr}${alerts.stdout}`).toContain("Evil\\e]0;pwned\\u0007 \\e[2J Ltd");
    } finally {
      book.cleanup();
      work.cleanup();
    }
  }, 120_000);
});

describe("project files stay in their room", () => {
  /** A project folder holding one file, loaded as every command loads it. */
  async function loadWith(path: string, text: string): Promise<string> {
    const project = tempDir("bellwether-room-");
    try {
      mkdirSync(join(project.dir, path, ".."), { recursive: true });
      writeFileSync(join(project.dir, path), text);
      await loadProjectFolder(project.dir);
      return "loaded";
    } catch (error) {
      return (error as Error).message.replace(project.dir, "PROJECT");
    } finally {
      project.cleanup();
    }
  }

  it("refuses a model or rule of more than one statement, naming the file and line, before anything runs", async () => {
    expect(await loadWith("models/evil.sql", "-- One row.\nSELECT 1 AS x;\nDROP TABLE raw.crm_contacts;\n")).toBe(
      'PROJECT/models/evil.sql: line 2 of its SQL: a second statement after ";" — a model or rule is exactly one SELECT, and may not write',
    );
    expect(await loadWith("models/copy.sql", "COPY (SELECT 1) TO '/tmp/x.csv'")).toBe(
      "PROJECT/models/copy.sql: a model or rule is one SELECT (or WITH … SELECT); this begins with COPY",
    );
    expect(await loadWith("alerts/evil.sql", "SELECT 'a;b' AS subject, NULL AS account_id WHERE $1 > 0; DELETE FROM meta.alerts")).toMatch(
      /^PROJECT\/alerts\/evil\.sql: line 1 of its SQL: a second statement/,
    );
    // A semicolon inside a string, a quoted name or a comment is not a second statement.
    expect(await loadWith("models/fine.sql", "-- One row.\nSELECT ';' AS \"a;b\" /* ; */ -- ;\n;\n")).toBe("loaded");
  });

  it("refuses a page that would write outside the site or into a folder of it, naming the file", async () => {
    const page = (file: string) => `export default { file: ${JSON.stringify(file)}, nav: "X", title: "X", intro: "x", sections: [] };\n`;
    expect(await loadWith("pages/out.ts", page("../outside.html"))).toBe(
      'PROJECT/pages/out.ts: file "../outside.html": a page is a file name in the site folder, such as tenure.html (no folder, no "..")',
    );
    expect(await loadWith("pages/sub.ts", page("reports/x.html"))).toMatch(/file "reports\/x\.html": a page is a file name/);
    expect(await loadWith("pages/abs.ts", page("/etc/x.html"))).toMatch(/file "\/etc\/x\.html": a page is a file name/);
    expect(await loadWith("pages/ok.ts", page("tenure.html"))).toBe("loaded");
  });
});

describe("a project's SQL rule that fails", () => {
  it("names its file in the run's error", async () => {
    const fixture = await buildFixture(join(FIXTURES, "alerts"), { ...RULES, asOf: "2025-02-28" });
    try {
      const rule = {
        kind: "sql",
        name: "bad_rule",
        sql: "SELECT no_such_column AS subject FROM marts.months WHERE month_index = $1",
        file: "alerts/bad_rule.sql",
      };
      const config = parseConfig(
        { ...RULES, alerts: { rules: [rule] }, warehouse: fixture.config.warehouse, asOf: "2025-03-31" },
        fixture.dir,
      );
      const run = await runAssets(fixture.db, config, { assets: [...modelAssets(), alertsAsset()] });
      const failed = run.materializations.find((m) => m.asset === "alerts");
      expect(failed?.status).toBe("failed");
      expect(failed?.error).toMatch(/^alert rule bad_rule \(alerts\/bad_rule\.sql\): .*no_such_column/s);
    } finally {
      await fixture.cleanup();
    }
  }, 120_000);
});
