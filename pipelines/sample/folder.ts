import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSample, type SampleOptions } from "./generate.ts";

const GENERATOR = dirname(fileURLToPath(import.meta.url));
const KEY_FILE = ".sample-key";

/** What the sample's files are a function of: the generator's code, the size, the length and the seed. */
function sampleKey(options: SampleOptions): string {
  const hash = createHash("sha256");
  for (const file of readdirSync(GENERATOR).sort()) hash.update(readFileSync(join(GENERATOR, file)));
  return `${hash.digest("hex")} accounts=${options.accounts} months=${options.months} seed=${options.seed}`;
}

/**
 * The sample in `options.out`, as a build reads it: kept when it is already the one these options make
 * (the files are byte for byte what they would be), else written beside it and renamed into place, so a
 * second build at the same time never rewrites a file under a first one that is reading it.
 */
export async function ensureSampleFolder(options: SampleOptions): Promise<"kept" | "written"> {
  const key = sampleKey(options);
  const keyFile = join(options.out, KEY_FILE);
  if (existsSync(keyFile) && readFileSync(keyFile, "utf8") === key) return "kept";
  const beside = `${options.out}.writing-${process.pid}-${Date.now()}`;
  try {
    await generateSample({ ...options, out: beside, parquetCopy: false });
    writeFileSync(join(beside, KEY_FILE), key);
    const old = `${options.out}.old-${process.pid}-${Date.now()}`;
    try {
      renameSync(options.out, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    try {
      renameSync(beside, options.out);
    } catch (error) {
      // Another build put the same sample there between the two renames: theirs is these files too.
      if (!existsSync(keyFile) || readFileSync(keyFile, "utf8") !== key) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(beside, { recursive: true, force: true });
  }
  return "written";
}
