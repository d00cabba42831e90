import { statSync } from "node:fs";
import { fileHash } from "./file-hash.ts";
import { type MappedSource, mappedHash } from "./mappings/reader.ts";
import { mappedFiles } from "./mappings/sources.ts";

/** What lands into one table: a file in the table's own shape, or a table a vendor mapping makes from vendor files. */
export type Source = string | MappedSource;

/** The file a source's rows are accounted to: the file itself, or the mapping's driving vendor file. */
export const sourcePath = (source: Source): string => (typeof source === "string" ? source : source.path);

/**
 * A plain file's size and modification time (ns), as a landing records them beside the file's hash;
 * none for a file modified in the last two seconds: a clock that ticks in milliseconds could give a
 * second write in the same tick the same time (git's "racy clean" case), so such a file is read again.
 */
export const fileStamp = (source: Source): string | null => {
  if (typeof source !== "string") return null;
  const stat = statSync(source, { bigint: true });
  if (Date.now() - Number(stat.mtimeMs) < 2000) return null;
  // The change time and inode too: a rewrite can restore a file's size and modification time, never
  // its change time, and a copy put in its place is another inode.
  return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}`;
};

/**
 * What decides whether a source changed since its last load: the hash of its bytes. A plain file whose
 * size and modification time are those its last landing recorded has that landing's hash, unread: a
 * 2.6 GB export is not read again to find it unchanged (as make and rsync decide; touch it to have it read).
 */
export async function sourceHash(source: Source, last?: { content_hash: string | null; file_stamp: string | null }): Promise<string> {
  if (typeof source !== "string") return mappedHash(source);
  if (last?.content_hash && last.file_stamp && last.file_stamp === fileStamp(source)) return last.content_hash;
  return fileHash(source);
}

/** Every file a source reads: the file, or the vendor files of its mapping. */
export const sourceFiles = (source: Source): string[] => (typeof source === "string" ? [source] : mappedFiles(source));
