import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { ingest } from "../pipelines/ingest.ts";
import { landFile } from "../pipelines/land.ts";
import { allMappingDocs } from "../pipelines/mappings/docs.ts";
import { loadMapping, shippedFormats } from "../pipelines/mappings/manifest.ts";
import { mappedSources } from "../pipelines/mappings/sources.ts";
import { existsSync } from "node:fs";
import { cli, ROOT, tempDir } from "./helpers.ts";

// Fivetran's own integration-test seeds: vendor-shaped, fake, not consistent across tables. They test
// that every row is accounted for with a named reason, never numbers.
const SEEDS = join(ROOT, "test", "fixtures", "vendor-seeds");
const work = tempDir("bellwether-seeds-");
afterAll(() => work.cleanup());

/** The seeds as Fivetran names its tables: sf_account_data.csv → account.csv. */
function seedFolder(vendor: string): string {
  const dir = join(work.dir, vendor);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(join(SEEDS, vendor))) {
    copyFileSync(
      join(SEEDS, vendor, file),
      join(
        dir,
        `${basename(file, ".csv")
          .replace(/_data$/, "")
          .replace(/^sf_/, "")}.csv`,
      ),
    );
  }
  return dir;
}

/** Records in a CSV: lines that are not blank, less the header (no seed has a quoted line break). */
const records = (file: string) =>
  readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim()).length - 1;

describe.each(["salesforce", "hubspot", "zendesk", "stripe"])("the %s seeds", (vendor) => {
  let results: Awaited<ReturnType<typeof ingest>>;
  let sources: ReturnType<typeof mappedSources>;
  beforeAll(async () => {
    const db = await Warehouse.open(":memory:");
    try {
      sources = mappedSources(seedFolder(vendor), vendor);
      results = await ingest(db, new Map(sources.map((s) => [s.table, [s]])));
    } finally {
      await db.close();
    }
  }, 60_000);

  it("land without a refusal, every row landed, quarantined or dropped with a named reason", () => {
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.status, r.message).toBe("landed");
      const dropped = Object.values(r.dropped).reduce((a, b) => a + b, 0);
      expect(r.landed + r.quarantined + dropped, `${r.table} from ${r.file}`).toBe(r.read + (r.split ?? 0));
      expect(Object.values(r.reasons).reduce((a, b) => a + b, 0)).toBe(r.quarantined);
      for (const reason of [...Object.keys(r.reasons), ...Object.keys(r.dropped)]) expect(reason).toMatch(/^[a-z_]+$/);
    }
  });

  it("read exactly the records of each driving file (no row counted twice or lost)", () => {
    for (const r of results) {
      expect(r.read, `${r.table} from ${r.file}`).toBe(records(r.file));
      const output = sources.find((s) => s.table === r.table)?.mapping.manifest.outputs[r.table as never] as
        { splits?: boolean } | undefined;
      if (!output?.splits) expect(r.split, `${r.table} from ${r.file}`).toBe(0);
    }
  });
});

it("the seeds give what MAPPINGS.md §10 expects of them", async () => {
  const db = await Warehouse.open(":memory:");
  try {
    const land = async (vendor: string) => {
      const sources = mappedSources(join(work.dir, vendor), vendor);
      return ingest(db, new Map(sources.map((s) => [s.table, [s]])));
    };
    const salesforce = await land("salesforce");
    const of = (table: string) => salesforce.find((r) => r.table === table);
    // All 10 opportunities are in the recycle bin; 1 account of 10 survives is_deleted and _fivetran_active.
    expect(of("crm_opportunities")).toMatchObject({ read: 10, landed: 0, dropped: { deleted: 10 } });
    expect(of("crm_accounts")?.landed).toBe(1);
  } finally {
    await db.close();
  }
});

describe("schema drift", () => {
  const vendor = () => {
    const dir = join(work.dir, `drift-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir);
    return dir;
  };
  const land = async (dir: string) => {
    const db = await Warehouse.open(":memory:");
    try {
      const [source] = mappedSources(dir, "delighted");
      return await landFile(db, contracts.survey_responses, source as never, { timeZone: "UTC" }).then(async (r) => ({
        result: r,
        rows: await db.all(
          "SELECT response_id, account_id, survey, score, comment, responded_at FROM raw.survey_responses ORDER BY response_id",
        ),
      }));
    } finally {
      await db.close();
    }
  };
  const expected = [
    { response_id: "delighted-1", account_id: "acc-1", survey: "nps", score: 9, comment: null, responded_at: "2024-05-02" },
    { response_id: "delighted-2", account_id: "acc-1", survey: "csat", score: 4, comment: null, responded_at: "2024-05-03" },
  ];

  it("ignores an extra column and reads a missing optional one as empty", async () => {
    const dir = vendor();
    writeFileSync(
      join(dir, "response.csv"),
      "id,score,created_at,survey_type,account_id,favourite_colour\n1,9,2024-05-02 10:00:00,nps,acc-1,blue\n2,4,2024-05-03 10:00:00,csat,acc-1,red\n",
    );
    expect((await land(dir)).rows).toEqual(expected);
  });

  it("reads upper-case headers (as Snowflake exports them) the same", async () => {
    const dir = vendor();
    writeFileSync(
      join(dir, "RESPONSE.csv"),
      'ID,SCORE,"""CREATED_AT""",SURVEY_TYPE,ACCOUNT_ID\n1,9,2024-05-02 10:00:00,NPS,acc-1\n2,4,2024-05-03 10:00:00,csat,acc-1\n',
    );
    expect((await land(dir)).rows).toEqual(expected);
  });

  it("refuses a file without a required column, naming the file and the column", async () => {
    const dir = vendor();
    writeFileSync(join(dir, "response.csv"), "id,created_at,account_id\n1,2024-05-02 10:00:00,acc-1\n");
    const { result } = await land(dir);
    expect(result.status).toBe("refused");
    expect(result.message).toContain(join(dir, "response.csv"));
    expect(result.message).toContain("missing required column score");
  });

  it("drops a survey type Bellwether has no measure for, by name, and unix seconds are instants", async () => {
    const dir = vendor();
    // 1714644000 = 2024-05-02T10:00:00Z
    writeFileSync(
      join(dir, "response.csv"),
      "id,score,created_at,survey_type,account_id\n1,9,1714644000,nps,acc-1\n2,1,2024-05-03 10:00:00,smileys,acc-1\n",
    );
    const { result, rows } = await land(dir);
    expect(result).toMatchObject({ read: 2, landed: 1, quarantined: 0, dropped: { other_survey_type: 1 } });
    expect(rows).toEqual([expected[0]]);
  });
});

describe("every shipped mapping", () => {
  it.each(shippedFormats())("%s: parses, and each table it makes gives every required column", (format) => {
    const mapping = loadMapping(format);
    for (const [table, sql] of Object.entries(mapping.sql)) {
      for (const spec of contracts[table as keyof typeof contracts].specs.filter((s) => s.required)) {
        expect(sql, `${format} ${table} ${spec.name}`).toMatch(new RegExp(`("${spec.name}"|\\b${spec.name}\\b)`));
      }
      expect(sql).toMatch(/__line/);
    }
  });

  it("has its page in docs/mappings in step with its declaration (regenerate: bellwether mappings FORMAT --format markdown)", () => {
    for (const [format, markdown] of allMappingDocs()) {
      expect(readFileSync(join(ROOT, "docs", "mappings", `${format}.md`), "utf8")).toBe(markdown);
    }
  });
});

it("ingest --format --dry-run prints what would land, be quarantined and dropped, and writes nothing", () => {
  const dir = seedFolder("zendesk");
  const run = cli(["ingest", "--dir", dir, "--format", "zendesk", "--dry-run"], work.dir);
  expect(run.status, run.stderr).toBe(0);
  // 10 tickets: 2 deleted (dropped), 8 whose organization resolves to no account (orphans).
  expect(run.stderr).toMatch(/support_tickets\s+1\s+0\s+0\s+10\s+0\s+8\s+orphan 8\s+2\s+deleted 2/);
  expect(existsSync(join(work.dir, "warehouse.duckdb"))).toBe(false);
  // It says what would happen, never that something landed or where to query it.
  expect(run.stderr).toMatch(/support_tickets\s+would land\s/);
  expect(run.stderr).toMatch(/would land\s+would quarantine/);
  expect(run.stderr).not.toMatch(/\slanded\s|SELECT \* FROM quarantine/);
});

it("refuses a vendor folder with no file the mapping reads, naming the files it expected and found", () => {
  const folder = join(work.dir, "not-stripe");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "customer_data.csv"), "id,email\ncus_1,a@example.com\n");
  const run = cli(["ingest", "--dir", folder, "--format", "stripe"], work.dir);
  expect(run.status).toBe(1);
  expect(run.stderr).toContain(`${folder}: no file the stripe mapping reads (it looks for customer.csv, subscription_item.csv`);
  expect(run.stderr).toContain("the folder has customer_data.csv. Nothing was landed.");
  expect(existsSync(join(work.dir, "warehouse.duckdb"))).toBe(false);
});
