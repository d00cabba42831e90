import { resolve } from "node:path";
import { UsageError } from "../../core/errors.ts";
import { info, progress } from "../../core/log.ts";
import { generateSample, SAMPLE_AS_OF, SAMPLE_SCALES } from "../../pipelines/sample/generate.ts";
import type { Command } from "../command.ts";
import { printTable } from "../table.ts";
import { wholeNumber } from "./flags.ts";

export const sampleCommand: Command = {
  name: "sample",
  summary: "write a realistic, deterministic sample of every source table",
  usage: "bellwether sample --out DIR [--accounts N] [--months M] [--seed S] [--scale small|large]",
  description: `Simulates a B2B SaaS company and writes one CSV per landing table (and usage_events again as Parquet under parquet/). Accounts carry a hidden health that drives their usage, tickets, survey scores and milestones, and decides renewals, expansion, contraction, churn and reactivation, so the health score and retention numbers have something real to find. The same seed, size and length always give byte-identical files; the data ends on ${SAMPLE_AS_OF}.
--scale small is 600 accounts over 36 months (the default); --scale large is 10,000 accounts over 60 months, about 20 million usage events. --accounts and --months override the scale.`,
  options: {
    out: { type: "string", placeholder: "DIR", description: "folder to write into (created if missing)" },
    accounts: { type: "string", placeholder: "N", description: "number of customer accounts (default 600)" },
    months: { type: "string", placeholder: "M", description: "months of history, ending on the sample's as-of date (default 36)" },
    seed: { type: "string", placeholder: "S", description: "random seed (default 1)" },
    scale: { type: "string", placeholder: "small|large", description: "preset size (default small)" },
  },
  examples: ["bellwether sample --out ./sample", "bellwether sample --out /tmp/big --scale large --seed 7"],
  async run({ values }) {
    if (typeof values.out !== "string") throw new UsageError("sample needs --out DIR\nSee: bellwether sample --help");
    const scaleName = (values.scale as string | undefined) ?? "small";
    if (!(scaleName in SAMPLE_SCALES)) throw new UsageError(`--scale must be small or large, got "${scaleName}"`);
    const scale = SAMPLE_SCALES[scaleName as keyof typeof SAMPLE_SCALES];
    const accounts = values.accounts === undefined ? scale.accounts : wholeNumber("accounts", values.accounts, 1);
    const months = values.months === undefined ? scale.months : wholeNumber("months", values.months, 2);
    const out = resolve(values.out);
    info(`Writing a sample of ${accounts.toLocaleString("en-US")} accounts over ${months} months to ${out}`);
    const files = await generateSample({
      out,
      accounts,
      months,
      seed: (values.seed as string | undefined) ?? "1",
      onProgress: progress("accounts"),
    });
    printTable(
      ["table", "rows", "MB", "file"],
      files.map((f) => [f.table, f.rows.toLocaleString("en-US"), (f.bytes / 1e6).toFixed(1), f.path]),
      process.stderr,
    );
    return 0;
  },
};
