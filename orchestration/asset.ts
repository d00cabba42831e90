import type { Outbox } from "../alerts/outlets.ts";
import type { Source } from "../pipelines/source.ts";
import type { Config } from "../project/config.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Model } from "../models/model.ts";

export interface AssetContext {
  db: Warehouse;
  config: Config;
  /** Files per landing table, when the run lands a sources folder. */
  sources?: ReadonlyMap<string, readonly Source[]>;
  /** Models built in this run and not yet published: a model reads their new versions. */
  staged: ReadonlySet<string>;
  /** The run materialising it (alerts are kept with the run that raised them). */
  runId: string;
  /**
   * The inputs that did not change since the asset's last good build, when that build was made with
   * the same code, project and config; absent when there was none (or on --full-refresh).
   */
  unchangedInputs?: ReadonlySet<string>;
  /** --full-refresh: every file is read again, whatever its stamp says. */
  fullRefresh?: boolean;
}

export interface Materialized {
  rows: number;
  /** What was checked on the way, in words ("3 data tests passed", "2 quarantined"). */
  checks: string;
  /** false: nothing new came in (a landing table whose files were all landed before). */
  changed?: boolean;
  /** For a staged model: what to record in the transaction that publishes it. */
  onPublish?: () => Promise<void>;
  /** Alerts to send once the run is over: after the site is published (and, from a job, the warehouse released). */
  outbox?: Outbox;
}

/**
 * A thing the warehouse or site holds, the assets it is made from, and how to make it: a raw table
 * (landed from its files), a model (built by its SQL), the metric snapshot, or a page of the site. Pages have no function of
 * their own: they are rendered together, so that the site is swapped in whole.
 */
export interface Asset {
  name: string;
  kind: "raw" | "model" | "metrics" | "alerts" | "page";
  /** Names this asset reads; names that are not assets (config.*, meta.*) are ignored by the graph. */
  inputs: readonly string[];
  description: string;
  materialize?(context: AssetContext): Promise<Materialized>;
  /** A model's definition: its built table is staged, and published with the run's other models. */
  model?: Model;
}
