import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../project/config.ts";
import { InputError } from "../core/errors.ts";
import { tempDir } from "./helpers.ts";

describe("config", () => {
  it("defaults every key, so no config file is needed", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = await loadConfig(undefined, dir);
      expect(config.warehouse).toBe("./warehouse.duckdb");
      expect(config.reportingCurrency).toBe("USD");
      expect(config.fiscalYearStartMonth).toBe(1);
      expect(config.retentionWindowMonths).toBe(12);
      expect(config.segments.map((b) => [b.name, b.below])).toEqual([
        ["SMB", 100],
        ["Mid-Market", 1000],
        ["Enterprise", undefined],
      ]);
      expect(config.touchTiers.map((b) => b.below)).toEqual([10_000, 50_000, undefined]);
      expect(config.site.outDir).toBe("./site");
      // Targets exist only when the team sets them.
      expect(config.targets).toEqual({});
      expect(config.segmentTargets).toEqual({});
    } finally {
      cleanup();
    }
  });

  it("loads bellwether.config.ts written with defineConfig", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const core = join(process.cwd(), "project", "config.ts");
      writeFileSync(
        join(dir, "bellwether.config.ts"),
        `import { defineConfig } from ${JSON.stringify(core)};\nexport default defineConfig({ reportingCurrency: "EUR", fiscalYearStartMonth: 2 });\n`,
      );
      const config = await loadConfig(undefined, dir);
      expect(config.reportingCurrency).toBe("EUR");
      expect(config.fiscalYearStartMonth).toBe(2);
      expect(config.root).toBe(dir);
    } finally {
      cleanup();
    }
  });

  it.each([
    [{ reportingCurrency: "usd" }, 'reportingCurrency: expected a three-letter upper-case ISO 4217 code such as USD (got "usd")'],
    [{ fiscalYearStartMonth: 13 }, "fiscalYearStartMonth: Too big: expected number to be <=12 (got 13)"],
    [
      { segments: [{ name: "Small", below: 500 }, { name: "Big", below: 100 }, { name: "Huge" }] },
      "segments[1].below: bands must rise: expected a number above 500 (got 100)",
    ],
    [{ touchTiers: [{ name: "all", below: 5 }] }, "touchTiers[0].below: the last band must be open-ended (no `below`)"],
    [{ asOf: "2024-13-01" }, 'asOf: expected an ISO date, YYYY-MM-DD (got "2024-13-01")'],
    [{ warehous: "x.duckdb" }, '(top level): unknown key "warehous"'],
    [{ segmentTargets: { arr_per_csm: { SMB: "600k" } } }, "segmentTargets.arr_per_csm.SMB: "],
  ])("names the key and what was expected: %j", (input, message) => {
    expect(() => parseConfig(input, "/tmp", "bellwether.config.ts")).toThrow(InputError);
    expect(() => parseConfig(input, "/tmp", "bellwether.config.ts")).toThrow(message);
  });

  it("refuses a named config file that does not exist", async () => {
    await expect(loadConfig("missing.config.ts", "/tmp")).rejects.toThrow("missing.config.ts: config file not found");
  });
});
