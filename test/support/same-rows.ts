import type { Row } from "../../core/warehouse.ts";

/** Relative tolerance between engines: floating-point sums may add in another order, never more. */
export const TOLERANCE = 1e-9;

const close = (a: unknown, b: unknown): boolean => {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  return a === b;
};

/** A row's sort key with numbers cut to 9 significant digits, so a last-bit difference sorts the same. */
const keyOf = (row: Row, columns: string[]) =>
  JSON.stringify(columns.map((c) => (typeof row[c] === "number" ? Number((row[c] as number).toPrecision(9)) : row[c])));

/**
 * The differences between two engines' rows of one table or query: the columns must be the same, the
 * rows the same in any order, numbers within TOLERANCE. Empty when they agree.
 */
export function rowDifferences(expected: Row[], actual: Row[], label: string): string[] {
  const columns = Object.keys(expected[0] ?? actual[0] ?? {});
  const other = Object.keys(actual[0] ?? expected[0] ?? {});
  if (columns.join(",") !== other.join(",")) return [`${label}: columns ${columns.join(",")} ≠ ${other.join(",")}`];
  if (expected.length !== actual.length) return [`${label}: ${expected.length} rows ≠ ${actual.length}`];
  const sort = (rows: Row[]) => [...rows].sort((x, y) => (keyOf(x, columns) < keyOf(y, columns) ? -1 : 1));
  const a = sort(expected);
  const b = sort(actual);
  const out: string[] = [];
  a.forEach((row, i) => {
    const bad = columns.filter((c) => !close(row[c], b[i]?.[c]));
    if (bad.length && out.length < 5) {
      out.push(`${label} row ${i}: ${bad.map((c) => `${c}: ${JSON.stringify(row[c])} ≠ ${JSON.stringify(b[i]?.[c])}`).join("; ")}`);
    }
  });
  return out;
}
