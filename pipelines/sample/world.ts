import type { CsvWriter } from "./csv-writer.ts";
import type { Random } from "./random.ts";

export type Segment = "SMB" | "Mid-Market" | "Enterprise";
export const segments: readonly Segment[] = ["SMB", "Mid-Market", "Enterprise"];

/** Shared state of one generation run: the writers, id counters and the monthly tallies costs are built from. */
export interface World {
  rng: Random;
  /** The first sale: the CRM's history (accounts, subscriptions, opportunities) runs from here. */
  foundedMonth: number;
  /** First month of product, support and survey data: the tools were adopted then (finance has every month). */
  firstMonth: number;
  lastMonth: number;
  /** Last day of data; nothing after it is written. */
  asOf: string;
  writers: Record<string, CsvWriter>;
  nextId: Record<string, number>;
  /** per segment, per month from `foundedMonth`: active accounts, new accounts, MRR in USD */
  tally: Record<Segment, { active: number[]; new: number[]; mrrUsd: number[] }>;
  /** tickets per month from `foundedMonth`, written or not: support cost follows them */
  ticketsByMonth: number[];
}

export function nextId(world: World, prefix: string, width: number): string {
  const n = (world.nextId[prefix] ?? 0) + 1;
  world.nextId[prefix] = n;
  return `${prefix}${String(n).padStart(width, "0")}`;
}
