import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { query } from "../metrics/query.ts";
import { ingest } from "../pipelines/ingest.ts";
import { findSources } from "../pipelines/sources.ts";
import { buildFixture, cli, FIXTURES, ROOT, tempDir } from "./helpers.ts";

// One team's real situation: Salesforce is the CRM, Stripe bills, Zendesk supports, Segment tracks.
// Every expected value below is worked out by hand from test/fixtures/vendors.
const VENDORS = join(FIXTURES, "vendors");
const ACME = "0015e00000AAAAAAAA";
const BETA = "0015e00000BBBBBBBB";

let fixture: Awaited<ReturnType<typeof buildFixture>>;
beforeAll(async () => {
  fixture = await buildFixture(VENDORS, {
    asOf: "2024-06-30",
    mappings: {
      stripe: { params: { account_id: "metadata" } },
      zendesk: { params: { account_id: "crosswalk" } },
      segment: { params: { account_id: "crosswalk" } },
    },
  });
}, 120_000);
afterAll(() => fixture?.cleanup());

const rows = (sql: string) => fixture.db.all<Record<string, unknown>>(sql);
const loadOf = async (table: string) =>
  (
    await rows(
      `SELECT rows_read, rows_split, rows_landed, rows_quarantined, rows_dropped, dropped FROM meta.loads WHERE table_name = '${table}'`,
    )
  )[0];

describe("Salesforce accounts, contacts and opportunities", () => {
  it("lands live accounts with the owner's name, dropping the deleted one and the old version", async () => {
    expect(
      await rows(
        "SELECT account_id, name, industry, employee_count, country, owner_csm, acquisition_channel, created_at FROM raw.crm_accounts ORDER BY account_id",
      ),
    ).toEqual([
      {
        account_id: ACME,
        name: "Acme",
        industry: "Software",
        employee_count: 50,
        country: "US",
        owner_csm: "Dana Reyes",
        acquisition_channel: "Web",
        created_at: "2023-12-15",
      },
      {
        account_id: BETA,
        name: "Beta GmbH",
        industry: "Manufacturing",
        employee_count: 500,
        country: "DE",
        owner_csm: "Dana Reyes",
        acquisition_channel: "Partner",
        created_at: "2023-12-20",
      },
    ]);
    // 4 rows read: 2 landed, Gamma deleted, Beta's inactive version superseded.
    expect(await loadOf("crm_accounts")).toMatchObject({ rows_read: 4, rows_landed: 2, rows_quarantined: 0, rows_dropped: 2 });
    expect(JSON.parse(String((await loadOf("crm_accounts"))?.dropped))).toEqual({ deleted: 1, superseded: 1 });
  });

  it("maps opportunity types, keeps the close date as a calendar day, and quarantines a type it cannot map", async () => {
    expect(
      await rows(
        "SELECT opportunity_id, account_id, type, amount, close_date, is_won, currency FROM raw.crm_opportunities ORDER BY opportunity_id",
      ),
    ).toEqual([
      {
        opportunity_id: "0065e00000OOOOO001",
        account_id: ACME,
        type: "new",
        amount: 12000,
        close_date: "2023-12-28",
        is_won: true,
        currency: "USD",
      },
      {
        opportunity_id: "0065e00000OOOOO002",
        account_id: BETA,
        type: "expansion",
        amount: 1248,
        close_date: "2024-03-25",
        is_won: true,
        currency: "USD",
      },
    ]);
    expect(await rows("SELECT _source_line, reason, column_name, type FROM quarantine.crm_opportunities")).toEqual([
      { _source_line: 5, reason: "not_accepted", column_name: "type", type: "Partner Referral" },
    ]);
    expect(await loadOf("crm_opportunities")).toMatchObject({ rows_read: 4, rows_landed: 2, rows_quarantined: 1, rows_dropped: 1 });
  });
});

describe("Stripe subscriptions", () => {
  it("gives one line per item and version, with minor units, intervals, trials, cancels and coupons as Stripe means them", async () => {
    const lines = await rows(
      "SELECT subscription_id, account_id, product, plan, start_date, end_date, amount, interval_months, quantity, discount, currency FROM raw.crm_subscriptions ORDER BY subscription_id",
    );
    const line = (
      id: string,
      account: string,
      plan: string,
      start: string,
      end: string | null,
      amount: number,
      months: number,
      quantity: number,
      discount: number,
      currency: string,
    ) => ({
      subscription_id: id,
      account_id: account,
      product: "Platform",
      plan,
      start_date: start,
      end_date: end,
      amount,
      interval_months: months,
      quantity,
      discount,
      currency,
    });
    expect(lines).toEqual([
      // The seat increase in subscription_history dates a second line from its version's _fivetran_start.
      line("si_A", ACME, "Pro monthly", "2024-01-01", "2024-03-10", 100, 1, 10, 0, "USD"),
      line("si_A@2024-03-10", ACME, "Pro monthly", "2024-03-10", null, 100, 1, 15, 0, "USD"),
      // JPY has no minor units: 120000 is ¥120,000. Counted from the trial's end; ends at cancel_at, not at canceled_at.
      line("si_B", BETA, "Pro yearly JPY", "2024-02-01", "2025-02-01", 120000, 12, 1, 0, "JPY"),
      // month × 6; a 20% coupon repeating for 3 months, then the full price.
      line("si_C", ACME, "Half-year", "2024-02-01", "2024-05-01", 600, 6, 1, 0.2, "USD"),
      line("si_C@2024-05-01", ACME, "Half-year", "2024-05-01", null, 600, 6, 1, 0, "USD"),
      // $12 a week is $12 × 52 / 12 = $52 a month.
      line("si_W", BETA, "Weekly", "2024-04-01", "2024-06-10", 52, 1, 2, 0, "USD"),
    ]);
  });

  it("drops test mode, one-time and metered prices and never-started subscriptions by reason, and quarantines the unresolved customer", async () => {
    // 9 items make 11 lines (si_A at its seat increase, si_C where its coupon ends): 6 landed, si_X quarantined, 4 dropped.
    expect(await loadOf("crm_subscriptions")).toMatchObject({
      rows_read: 9,
      rows_split: 2,
      rows_landed: 6,
      rows_quarantined: 1,
      rows_dropped: 4,
    });
    expect(JSON.parse(String((await loadOf("crm_subscriptions"))?.dropped))).toEqual({
      test_mode: 1,
      one_time_price: 1,
      metered_price: 1,
      never_started: 1,
    });
    expect(await rows("SELECT _source_file, _source_line, reason, column_name, account_id FROM quarantine.crm_subscriptions")).toEqual([
      {
        _source_file: join(VENDORS, "stripe", "subscription_item.csv"),
        _source_line: 6,
        reason: "orphan",
        column_name: "account_id",
        account_id: "cus_X",
      },
    ]);
  });

  it("gives the ARR worked out by hand, with the expansion in the month of the seat increase", async () => {
    // Acme: Jan 1000, Feb 1000 + 80 (600 × 0.8 / 6), Mar 1500 + 80, Apr 1580, May 1500 + 100, Jun 1600 (MRR).
    // Beta: ¥10,000 a month × 0.007 = $70 from Feb; + $104 (52 × 2) Apr–May; the weekly line ended on 10 June.
    const result = await query(fixture.db, fixture.config, {
      metrics: ["mrr", "arr", "new_arr", "expansion_arr", "contraction_arr"],
      from: "2024-01-01",
      to: "2024-06-30",
    });
    expect(result.rows.map((r) => [r.period, r.mrr, r.arr, r.new_arr, r.expansion_arr, r.contraction_arr])).toEqual([
      ["2024-01-31", 1000, 12000, 12000, 0, 0],
      ["2024-02-29", 1150, 13800, 840, 960, 0],
      ["2024-03-31", 1650, 19800, 0, 6000, 0],
      ["2024-04-30", 1754, 21048, 0, 1248, 0],
      ["2024-05-31", 1774, 21288, 0, 240, 0],
      ["2024-06-30", 1670, 20040, 0, 0, -1248],
    ]);
    // Three-month window ending June starts in March: S = 18,960 + 840; NRR = 20,040 / 19,800; GRR = 19,800 / 19,800.
    const retention = await query(fixture.db, fixture.config, { metrics: ["nrr", "grr"], from: "2024-06-01", to: "2024-06-30", window: 3 });
    expect(retention.rows[0]?.nrr).toBeCloseTo(20040 / 19800, 12);
    expect(retention.rows[0]?.grr).toBe(1);
  });
});

describe("Zendesk tickets and ratings", () => {
  it("works out first response and solve times, a reopened ticket solved when it is solved again", async () => {
    expect(
      await rows(
        "SELECT ticket_id, account_id, created_at, first_response_at, solved_at, priority, status, category FROM raw.support_tickets ORDER BY ticket_id",
      ),
    ).toEqual([
      // The internal note at 10:00 is not a response; the public agent reply at 11:00 is.
      {
        ticket_id: "101",
        account_id: ACME,
        created_at: "2024-03-01T09:00:00.000Z",
        first_response_at: "2024-03-01T11:00:00.000Z",
        solved_at: "2024-03-02T09:00:00.000Z",
        priority: "high",
        status: "solved",
        category: "incident",
      },
      // Solved 2 Apr, reopened 3 Apr, solved again 5 Apr.
      {
        ticket_id: "102",
        account_id: ACME,
        created_at: "2024-04-01T08:00:00.000Z",
        first_response_at: "2024-04-01T12:00:00.000Z",
        solved_at: "2024-04-05T08:00:00.000Z",
        priority: "normal",
        status: "solved",
        category: "question",
      },
      {
        ticket_id: "103",
        account_id: ACME,
        created_at: "2024-05-01T10:00:00.000Z",
        first_response_at: "2024-05-01T11:00:00.000Z",
        solved_at: null,
        priority: "urgent",
        status: "open",
        category: "problem",
      },
    ]);
    expect(await rows("SELECT _source_line, reason, account_id FROM quarantine.support_tickets")).toEqual([
      { _source_line: 6, reason: "orphan", account_id: "org_9" },
    ]);
    const hours = await query(fixture.db, fixture.config, {
      metrics: ["first_response_hours_median"],
      from: "2024-03-01",
      to: "2024-05-31",
    });
    expect(hours.rows.map((r) => r.first_response_hours_median)).toEqual([2, 4, 1]);
  });

  it("turns good and bad into satisfied CSAT answers, and an offered but unanswered rating into none", async () => {
    expect(
      await rows("SELECT response_id, account_id, survey, score, satisfied, responded_at FROM raw.survey_responses ORDER BY response_id"),
    ).toEqual([
      { response_id: "zendesk-102", account_id: ACME, survey: "csat", score: null, satisfied: true, responded_at: "2024-04-06" },
      { response_id: "zendesk-103", account_id: ACME, survey: "csat", score: null, satisfied: false, responded_at: "2024-05-03" },
    ]);
    expect(JSON.parse(String((await loadOf("survey_responses"))?.dropped))).toEqual({ deleted: 1, no_rating: 2 });
    const csat = await query(fixture.db, fixture.config, { metrics: ["csat_satisfied", "csat_avg"], from: "2024-04-01", to: "2024-05-31" });
    expect(csat.rows.map((r) => [r.csat_satisfied, r.csat_avg])).toEqual([
      [1, null],
      [0, null],
    ]);
  });
});

describe("Segment tracks", () => {
  it("finds the account by context group or the user's latest earlier group call, keeps anonymous events, and lands a message once", async () => {
    expect(
      await rows("SELECT event_id, account_id, user_id, anonymous_id, event_name, occurred_at FROM raw.usage_events ORDER BY event_id"),
    ).toEqual([
      {
        event_id: "m1",
        account_id: ACME,
        user_id: "u1",
        anonymous_id: null,
        event_name: "Report Created",
        occurred_at: "2024-06-03T10:00:00.000Z",
      },
      // u2 joined grp_b on 1 June and grp_a only on 20 June: the 5 June event is Beta's.
      {
        event_id: "m2",
        account_id: BETA,
        user_id: "u2",
        anonymous_id: null,
        event_name: "Report Created",
        occurred_at: "2024-06-05T10:00:00.000Z",
      },
      {
        event_id: "m3",
        account_id: ACME,
        user_id: null,
        anonymous_id: "anon-1",
        event_name: "Page Viewed",
        occurred_at: "2024-06-07T10:00:00.000Z",
      },
    ]);
    expect(await rows("SELECT _source_line, reason, account_id FROM quarantine.usage_events")).toEqual([
      { _source_line: 6, reason: "orphan", account_id: "grp_zzz" },
    ]);
    expect(await loadOf("usage_events")).toMatchObject({ rows_read: 5, rows_landed: 3, rows_quarantined: 1, rows_dropped: 1 });
  });
});

describe("bellwether build --sources on a folder of vendor sub-folders", () => {
  it("builds the whole site with the hand-worked numbers", () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(
        join(dir, "bellwether.config.ts"),
        `import { defineConfig } from ${JSON.stringify(join(ROOT, "project", "config.ts"))};
export default defineConfig({ asOf: "2024-06-30", mappings: {
  stripe: { params: { account_id: "metadata" } }, zendesk: { params: { account_id: "crosswalk" } }, segment: { params: { account_id: "crosswalk" } } } });\n`,
      );
      const build = cli(["build", "--sources", VENDORS, "--site", "site"], dir);
      expect(build.status, build.stderr).toBe(0);
      for (const page of ["index.html", "board.html", "quality.html", "glossary.html"])
        expect(existsSync(join(dir, "site", page))).toBe(true);
      const june = cli(["query", "arr,mrr", "--from", "2024-06-01", "--to", "2024-06-30", "--format", "json"], dir);
      expect(JSON.parse(june.stdout)).toEqual([{ period: "2024-06-30", arr: 20040, mrr: 1670 }]);
    } finally {
      cleanup();
    }
  }, 240_000);
});

describe("Salesforce files with API column names (IsDeleted, NumberOfEmployees, OwnerId)", () => {
  it("match the mapping's columns without case or underscores: the same accounts land, the deleted one dropped", async () => {
    const copy = tempDir("bellwether-sf-api-");
    try {
      cpSync(VENDORS, copy.dir, { recursive: true });
      const file = join(copy.dir, "salesforce", "account.csv");
      const [header = "", ...lines] = readFileSync(file, "utf8").split("\n");
      const api = header
        .split(",")
        .map((c) =>
          c.startsWith("_fivetran") || c.endsWith("_c") ? c : c.replace(/(^|_)([a-z])/g, (_, __, l: string) => l.toUpperCase()),
        );
      expect(api.slice(0, 9)).toEqual([
        "Id",
        "Name",
        "Industry",
        "NumberOfEmployees",
        "BillingCountryCode",
        "OwnerId",
        "AccountSource",
        "CreatedDate",
        "IsDeleted",
      ]);
      writeFileSync(file, [api.join(","), ...lines].join("\n"));
      const api_ = await buildFixture(copy.dir, {
        asOf: "2024-06-30",
        mappings: {
          stripe: { params: { account_id: "metadata" } },
          zendesk: { params: { account_id: "crosswalk" } },
          segment: { params: { account_id: "crosswalk" } },
        },
      });
      try {
        const sql = "SELECT * EXCLUDE (_source_file, _source_line, _load_id) FROM raw.crm_accounts ORDER BY account_id";
        expect(await api_.db.all(sql)).toEqual(await fixture.db.all(sql));
        const load = (
          await api_.db.all("SELECT rows_read, rows_landed, rows_dropped FROM meta.loads WHERE table_name = 'crm_accounts'")
        )[0];
        expect(load).toEqual({ rows_read: 4, rows_landed: 2, rows_dropped: 2 });
      } finally {
        await api_.cleanup();
      }
    } finally {
      copy.cleanup();
    }
  }, 120_000);
});

describe("a crosswalk is checked like a vendor file", () => {
  const MAPPINGS = {
    stripe: { params: { account_id: "metadata" } },
    zendesk: { params: { account_id: "crosswalk" } },
    segment: { params: { account_id: "crosswalk" } },
  };
  it("quarantines the rows of a key it gives two accounts, naming the key and both accounts, instead of picking one", async () => {
    const copy = tempDir("bellwether-crosswalk-");
    try {
      cpSync(VENDORS, copy.dir, { recursive: true });
      appendFileSync(join(copy.dir, "crosswalk.csv"), `segment,grp_b,${ACME}\n`);
      const built = await buildFixture(copy.dir, { asOf: "2024-06-30", mappings: MAPPINGS });
      try {
        // m2 is u2's event of 5 June, grp_b's by the groups call: Beta's before, now nobody's.
        expect(await built.db.all("SELECT _source_line, reason, account_id, message FROM quarantine.usage_events ORDER BY 1")).toEqual([
          {
            _source_line: 3,
            reason: "ambiguous_key",
            account_id: "grp_b",
            message: `the crosswalk ${join(copy.dir, "crosswalk.csv")} gives this key more than one account (grp_b → ${ACME}, ${BETA}): keep one row per key`,
          },
          { _source_line: 6, reason: "orphan", account_id: "grp_zzz", message: expect.stringContaining("resolves to no account") },
        ]);
        expect(await built.db.all("SELECT event_id FROM raw.usage_events ORDER BY 1")).toEqual([{ event_id: "m1" }, { event_id: "m3" }]);
      } finally {
        await built.cleanup();
      }
    } finally {
      copy.cleanup();
    }
  }, 120_000);

  it("names the crosswalk and its columns when its header is wrong, not the vendor file", async () => {
    const copy = tempDir("bellwether-crosswalk-");
    try {
      cpSync(VENDORS, copy.dir, { recursive: true });
      writeFileSync(join(copy.dir, "crosswalk.csv"), `source,vendor_key,account\nsegment,grp_a,${ACME}\n`);
      await expect(buildFixture(copy.dir, { asOf: "2024-06-30", mappings: MAPPINGS })).rejects.toThrow(
        `${join(copy.dir, "crosswalk.csv")}: a crosswalk has the columns system, key, account_id (this one has source, vendor_key, account)`,
      );
    } finally {
      copy.cleanup();
    }
  }, 120_000);
});

describe("a lookup file's bad record (Salesforce user.csv)", () => {
  const landSalesforce = async (users: string) => {
    const copy = tempDir("bellwether-sf-lookup-");
    cpSync(join(VENDORS, "salesforce"), join(copy.dir, "salesforce"), { recursive: true });
    writeFileSync(join(copy.dir, "salesforce", "user.csv"), users);
    const db = await Warehouse.open(join(copy.dir, "w.duckdb"));
    const loads = await ingest(db, findSources(copy.dir));
    return { copy, db, load: loads.find((l) => l.table === "crm_accounts") };
  };

  it("quarantines the accounts that look it up, naming its line, instead of landing the owner's id as the CSM", async () => {
    // Line 2 has a stray quote after its name: Dana's record cannot be read, and all three live rows are hers.
    const { copy, db, load } = await landSalesforce('id,name\n0055e00000UUUUUAAA,"Dana Reyes"x\n0055e00000UUUUUBBB,Lee Park\n');
    try {
      expect(load).toMatchObject({ status: "landed", read: 4, landed: 0, quarantined: 2 });
      expect(await db.all("SELECT _source_line, reason, message FROM quarantine.crm_accounts ORDER BY 1")).toEqual([
        {
          _source_line: 2,
          reason: "lookup_unreadable",
          message: "this row looks up a record of user.csv that could not be read (line 2): fix it and ingest again",
        },
        { _source_line: 4, reason: "lookup_unreadable", message: expect.stringContaining("user.csv") },
      ]);
      expect(await db.all("SELECT count(*)::INTEGER AS n FROM raw.crm_accounts WHERE owner_csm = '0055e00000UUUUUAAA'")).toEqual([
        { n: 0 },
      ]);
    } finally {
      db.close();
      copy.cleanup();
    }
  }, 60_000);

  it("refuses the accounts when the bad record's key cannot be told, landing nothing", async () => {
    // Three fields where the header has two, and no id among them.
    const { copy, db, load } = await landSalesforce("id,name\n,Dana,Reyes\n0055e00000UUUUUBBB,Lee Park\n");
    try {
      expect(load?.status).toBe("refused");
      expect(load?.message).toContain("user.csv line 2 could not be read");
      expect(load?.message).toContain("its key cannot be told");
      expect(await db.all("SELECT count(*)::INTEGER AS n FROM raw.crm_accounts")).toEqual([{ n: 0 }]);
    } finally {
      db.close();
      copy.cleanup();
    }
  }, 60_000);
});
