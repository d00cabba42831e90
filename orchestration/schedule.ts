import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../project/config.ts";

export type ScheduledJob = Config["schedules"][number];

export type Outcome = "succeeded" | "failed" | "unchanged";

export interface SchedulerDeps {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Runs the job once for the tick; "unchanged" when a `when: changed` job found no new files. */
  run(job: ScheduledJob, tick: Date): Promise<Outcome>;
  /** The tick the job last ran for (persisted in meta.runs), or null. */
  lastTick(job: ScheduledJob): Promise<Date | null>;
  log(line: string): void;
}

/** How far back a restart looks for a missed tick. */
const CATCH_UP_DAYS = 35;

/**
 * Runs jobs on their cron ticks (node-cron): never two runs of one job at once, and the jobs take turns
 * (two jobs whose ticks meet run one after the other: one warehouse, one site, one writer at a time), a
 * failed run retried after `backoff` seconds, doubling each time, a tick missed while stopped caught up
 * once at start, and a stop that waits for the runs in flight.
 */
export class Scheduler {
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The run whose turn it is: the next job's run starts when it settles. */
  private turn: Promise<unknown> = Promise.resolve();
  private tasks: ScheduledTask[] = [];
  private stopping = false;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly deps: SchedulerDeps,
  ) {}

  /** One tick of one job. Returns "overlap" without running when the job's previous run is still going. */
  async tick(job: ScheduledJob, tick: Date): Promise<Outcome | "overlap" | "stopping"> {
    if (this.stopping) return "stopping";
    if (this.busy.has(job.job)) {
      this.deps.log(`${iso(tick)} ${job.job}: still running the previous tick; this one is skipped`);
      return "overlap";
    }
    this.busy.add(job.job);
    const work = this.turn.then(() => this.attempt(job, tick));
    this.turn = work.catch(() => undefined);
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
      this.busy.delete(job.job);
    }
  }

  private async attempt(job: ScheduledJob, tick: Date): Promise<Outcome> {
    for (let attempt = 1; ; attempt++) {
      const started = this.deps.now().getTime();
      let outcome: Outcome;
      try {
        outcome = await this.deps.run(job, tick);
      } catch (error) {
        this.deps.log(`${iso(tick)} ${job.job}: error: ${(error as Error).message}`);
        outcome = "failed";
      }
      const seconds = ((this.deps.now().getTime() - started) / 1000).toFixed(1);
      this.deps.log(`${iso(tick)} ${job.job}: ${outcome} in ${seconds} s (attempt ${attempt} of ${job.retries + 1})`);
      if (outcome !== "failed" || attempt > job.retries || this.stopping) return outcome;
      const wait = job.backoff * 2 ** (attempt - 1);
      this.deps.log(`${iso(tick)} ${job.job}: retrying in ${wait} s`);
      await this.deps.sleep(wait * 1000);
    }
  }

  /**
   * The latest tick missed since the job last ran, if any, run once: a scheduler down over a night of
   * hourly ticks runs one refresh when it comes back, not twelve.
   */
  async catchUp(job: ScheduledJob): Promise<Outcome | "overlap" | "stopping" | "none"> {
    const last = await this.deps.lastTick(job);
    if (!last) return "none";
    const missed = latestTickBetween(job.cron, last, this.deps.now());
    if (!missed) return "none";
    this.deps.log(`${iso(missed)} ${job.job}: missed while stopped; catching up once`);
    return this.tick(job, missed);
  }

  /** Catches up missed ticks, then lets node-cron fire the rest. */
  async start(): Promise<void> {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, (context) => void this.tick(job, context.date), { name: job.job }));
    }
    await Promise.all(this.jobs.map((job) => this.catchUp(job)));
  }

  /** Stops the clock and waits for runs in flight (a run is never cut off half-way). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks) await task.stop();
    await Promise.allSettled([...this.inFlight]);
  }
}

/** The latest minute in (after, until] that the expression matches; null when there is none. */
export function latestTickBetween(expression: string, after: Date, until: Date): Date | null {
  const matcher = cron.createTask(expression, () => undefined);
  try {
    const floor = Math.max(after.getTime(), until.getTime() - CATCH_UP_DAYS * 86_400_000);
    for (let t = Math.floor(until.getTime() / 60_000) * 60_000; t > floor; t -= 60_000) {
      if (matcher.match(new Date(t))) return new Date(t);
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
