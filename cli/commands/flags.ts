import { isIsoDate } from "../../core/dates.ts";
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "../../core/errors.ts";

export function wholeNumber(flag: string, value: unknown, min: number, max = 10_000): number {
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

/** Every value of a repeatable flag as given: no splitting, because a value may hold commas. */
export function repeated(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
}

/** The --wait option of commands that only read the warehouse. */
export const waitOption = {
  wait: {
    type: "string",
    placeholder: "SECONDS",
    description: "how long to wait while a run is writing the warehouse (default 10)",
  },
} as const;

export const waitSeconds = (values: Record<string, unknown>) =>
  values.wait === undefined ? undefined : wholeNumber("wait", values.wait, 0, 86_400);

/** --out must name a file (a folder, or a file in a folder that does not exist, is misuse). */
export function outFile(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const path = resolve(value);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--out must name a file, and ${value} is a folder`);
  if (!existsSync(dirname(path))) throw new UsageError(`--out ${value}: the folder ${dirname(path)} does not exist`);
  return path;
}

/** `a,b` and repeated flags alike become one list. */
export function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return items
    .flatMap((v) => String(v).split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** --as-of for the commands that report (build, run, query). */
export const asOfOption = {
  "as-of": {
    type: "string",
    placeholder: "DATE",
    description:
      "report as of this day (YYYY-MM-DD): months run to it and nothing after it is a movement; default: the newest day with activity in the data, capped at today",
  },
} as const;

/** A flag's value among the ones it takes (the first is the default), or a usage error naming them. */
export function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly [T, ...T[]]): T {
  const chosen = (value as string | undefined) ?? allowed[0];
  if (!(allowed as readonly string[]).includes(chosen))
    throw new UsageError(`--${flag} must be ${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}, got "${chosen}"`);
  return chosen as T;
}

/** A flag's ISO date, when given, or a usage error. */
export function isoDateFlag(flag: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !isIsoDate(value))
    throw new UsageError(`--${flag} must be an ISO date (YYYY-MM-DD), got "${String(value)}"`);
  return value;
}
