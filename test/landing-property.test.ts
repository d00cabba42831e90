import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Warehouse } from "../core/warehouse.ts";
import { contracts } from "../pipelines/contracts/index.ts";
import { landFile } from "../pipelines/land.ts";
import { tempDir } from "./helpers.ts";

// Issue 12: files of random valid rows with random damage. The test keeps its own account of every
// record it writes (where it starts, whether it should land, the values it holds) and checks the
// landing against it: read = landed + quarantined (+ dropped, 0 for canonical files) with the test's
// own count, every landed value equal to its source text, every quarantined record at its own line.

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof random>;

const COLUMNS = ["subscription_id", "account_id", "product", "start_date", "end_date", "amount", "interval_months", "quantity", "discount"];
const TEXTS = [
  "Core",
  "Core, Plus",
  'The "Pro" plan',
  "Zoë Édition",
  "two\nlines",
  "=1+2",
  "  spaced  ",
  "株式会社",
  "tab\there",
  "a\r\nb",
];

interface Expected {
  id: string;
  line: number;
  /** Why it cannot land, before duplicates are looked at; undefined for a good row. */
  fault?: "malformed" | "bad_type" | "rule";
  values: { product: string | null; start_date: string; amount: string; quantity: string; discount: string };
}

const quote = (text: string) => (/[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text);
const isoDate = (days: number) => new Date(Date.UTC(1995, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
const micros = (units: number) => `${Math.floor(units / 1e6)}.${String(units % 1e6).padStart(6, "0")}`;

/** One file's text and what the test expects of each of its records. */
function makeFile(rng: Random, fileNo: number, plainAfter: number) {
  const eol = rng.pick(["\n", "\r\n"]);
  const records: Expected[] = [];
  const lines: string[] = [COLUMNS.join(",")];
  let line = 2;
  const n = rng.int(1, 40);
  for (let i = 0; i < n; i++) {
    const reuse = records.length > 0 && rng.chance(0.08);
    const id = reuse ? rng.pick(records).id : `F${fileNo}-S${i}`;
    const plain = i >= plainAfter;
    const product = rng.chance(0.2) ? null : plain ? "Plain" : rng.pick(TEXTS);
    const start = rng.int(0, 40_000);
    const amount = rng.int(0, 5_000_000_000);
    const quantity = rng.chance(0.5) ? null : rng.int(1, 500);
    const discount = rng.chance(0.5) ? null : rng.int(0, 99);
    const fields = [
      rng.chance(0.1) ? ` ${id} ` : id,
      rng.pick(["A1", "A2"]),
      product === null ? "" : quote(product),
      isoDate(start),
      rng.chance(0.5) ? "" : isoDate(start + rng.int(1, 900)),
      micros(amount),
      String(rng.pick([1, 3, 12, 24, 36])),
      quantity === null ? "" : String(quantity),
      discount === null ? "" : `0.${String(discount).padStart(2, "0")}`,
    ];
    let fault: Expected["fault"];
    const damage = rng.next();
    if (damage < 0.05) {
      fields.pop();
      fault = "malformed";
    } else if (damage < 0.1) {
      fields.push("extra");
      fault = "malformed";
    } else if (damage < 0.14) {
      // "12,0" splits into two fields: malformed, or (before an empty last field) values shifted into bad ones.
      fields[5] = rng.pick(["abc", "NaN", "Infinity", "1e308", "1.0000001", "12,0"]);
      fault = fields[5] === "12,0" ? "malformed" : "bad_type";
    } else if (damage < 0.17) {
      fields[3] = rng.pick(["2024-02-30", "-infinity", "1899-12-31", "31/12/2024"]);
      fault = fields[3] === "1899-12-31" || fields[3] === "-infinity" ? "rule" : "bad_type";
    } else if (damage < 0.2 && fields[4] !== "") {
      fields[4] = isoDate(start);
      fault = "rule";
    }
    const text = fields.join(",");
    records.push({
      id,
      line,
      fault,
      values: {
        product,
        start_date: isoDate(start),
        amount: micros(amount),
        quantity: quantity === null ? "1.000000" : `${quantity}.000000`,
        discount: discount === null ? "0.000000" : `0.${String(discount).padStart(2, "0")}0000`,
      },
    });
    lines.push(text);
    line += text.split(/\r\n|\n|\r/).length;
  }
  return { eol, records, lines };
}

/** Which records land: the first good one of each key, in file order; later good ones are duplicates. */
function landing(records: readonly Expected[]): Expected[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    if (r.fault || seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
}

describe("landing random files with random damage", () => {
  const work = tempDir("bellwether-property-");
  let db: Warehouse;
  beforeAll(async () => {
    db = await Warehouse.open(join(work.dir, "w.duckdb"));
    writeFileSync(join(work.dir, "accounts.csv"), "account_id,name\nA1,One\nA2,Two\n");
    await landFile(db, contracts.crm_accounts, join(work.dir, "accounts.csv"));
  });
  afterAll(() => {
    db.close();
    work.cleanup();
  });

  it("accounts for every record of 60 files: read = landed + quarantined, values as written, lines where they start", async () => {
    const seed = Number(process.env.PROPERTY_SEED ?? 20261123);
    const rng = random(seed);
    let refusedFiles = 0;
    let totalRecords = 0;
    for (let fileNo = 0; fileNo < 60; fileNo++) {
      // Damage to the whole file: a stray quote that never closes, a cut-off gzip, or a cut-off last record.
      const wholeDamage = rng.next();
      const made = makeFile(rng, fileNo, wholeDamage < 0.1 ? 0 : Number.POSITIVE_INFINITY);
      let { records } = made;
      let text = made.lines.join(made.eol) + (rng.chance(0.8) ? made.eol : "");
      let refused = false;
      let gzip = rng.chance(0.3);
      if (wholeDamage < 0.1 && records.length > 0) {
        // Every record is plain (no quotes), so a quote opened in the last record's product swallows the rest.
        const last = made.lines.length - 1;
        made.lines[last] = (made.lines[last] as string).replace(/^([^,]*,[^,]*,)/, '$1"');
        text = made.lines.join(made.eol) + made.eol;
        refused = true;
      } else if (wholeDamage < 0.15 && gzip) {
        refused = true;
      } else if (wholeDamage < 0.2 && records.length > 1 && !/["\r\n]/.test(made.lines.at(-1) as string)) {
        // Cut the file inside its last (unquoted) record: what is left of it is what the file holds.
        gzip = false;
        const last = made.lines.length - 1;
        const cut = (made.lines[last] as string).slice(0, rng.int(1, (made.lines[last] as string).length - 1));
        made.lines[last] = cut;
        text = made.lines.join(made.eol);
        records = records.slice(0, -1).concat(cutRecord(records.at(-1) as Expected, cut));
      }
      const name = join(work.dir, `subs-${fileNo}.csv${gzip ? ".gz" : ""}`);
      let bytes: Buffer = gzip ? gzipSync(text) : Buffer.from(text);
      if (gzip && refused) bytes = bytes.subarray(0, Math.max(10, Math.floor(bytes.length * 0.6)));
      writeFileSync(name, bytes);

      const result = await landFile(db, contracts.crm_subscriptions, name);
      const where = `file ${fileNo} (seed ${seed})`;
      if (refused) {
        refusedFiles++;
        expect(result.status, where).toBe("refused");
        expect(await db.all("SELECT count(*) AS n FROM raw.crm_subscriptions WHERE _source_file = $1", [name]), where).toEqual([{ n: 0 }]);
        continue;
      }
      totalRecords += records.length;
      const lands = landing(records);
      expect(result.status, `${where}: ${result.message}`).toBe("landed");
      expect({ read: result.read, landed: result.landed, quarantined: result.quarantined }, where).toEqual({
        read: records.length,
        landed: lands.length,
        quarantined: records.length - lands.length,
      });
      const landed = await db.all(
        `SELECT subscription_id AS id, _source_line AS line, product, start_date::VARCHAR AS start_date, amount::VARCHAR AS amount,
           quantity::VARCHAR AS quantity, discount::VARCHAR AS discount
         FROM raw.crm_subscriptions WHERE _source_file = $1 ORDER BY line`,
        [name],
      );
      expect(landed, where).toEqual(lands.map((r) => ({ id: r.id, line: r.line, ...r.values })));
      const held = await db.all<{ line: number }>(
        "SELECT _source_line AS line FROM quarantine.crm_subscriptions WHERE _source_file = $1 ORDER BY line",
        [name],
      );
      expect(
        held.map((h) => h.line),
        where,
      ).toEqual(records.filter((r) => !lands.includes(r)).map((r) => r.line));
    }
    // The run really covered both kinds of file.
    expect(refusedFiles).toBeGreaterThan(3);
    expect(totalRecords).toBeGreaterThan(600);
  });
});

/** The last record after a cut: fewer fields is malformed; a shorter value is what the file now says. */
function cutRecord(record: Expected, cut: string): Expected {
  const fields = cut.split(",");
  if (fields.length !== COLUMNS.length) return { ...record, fault: "malformed" };
  // Only the discount (the last field) can be shortened and still be whole: "0.5" of "0.57", or "" (0).
  const discount = fields[8] ?? "";
  if (record.fault) return record;
  if (discount === "" || discount === "0" || discount === "0.") return { ...record, values: { ...record.values, discount: "0.000000" } };
  return { ...record, values: { ...record.values, discount: `${discount}${"0".repeat(8 - discount.length)}` } };
}
