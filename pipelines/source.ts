import { fileHash } from "./file-hash.ts";
import { type MappedSource, mappedHash } from "./mappings/reader.ts";
import { mappedFiles } from "./mappings/sources.ts";

/** What lands into one table: a file in the table's own shape, or a table a vendor mapping makes from vendor files. */
export type Source = string | MappedSource;

/** The file a source's rows are accounted to: the file itself, or the mapping's driving vendor file. */
export const sourcePath = (source: Source): string => (typeof source === "string" ? source : source.path);

/** What decides whether a source changed since its last load. */
export const sourceHash = (source: Source): Promise<string> => (typeof source === "string" ? fileHash(source) : mappedHash(source));

/** Every file a source reads: the file, or the vendor files of its mapping. */
export const sourceFiles = (source: Source): string[] => (typeof source === "string" ? [source] : mappedFiles(source));
