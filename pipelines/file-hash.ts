import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** The SHA-256 of a file's bytes: the same bytes again are skipped. */
export function fileHash(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
