import { UsageError } from "../../core/errors.ts";

export function wholeNumber(flag: string, value: unknown, min: number): number {
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min) {
    throw new UsageError(`--${flag} must be a whole number of at least ${min}, got "${String(value)}"`);
  }
  return n;
}

/** `a,b` and repeated flags alike become one list. */
export function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return items
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}
