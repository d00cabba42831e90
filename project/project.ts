import type { PageSpec } from "../dashboards/page.ts";
import { sitePages } from "../dashboards/pages/index.ts";
import { type Catalog, catalog } from "../metrics/catalog.ts";
import { builtInFile, joinByName, ownFile } from "../core/declared.ts";
import { type DataTest, type Model, readModels } from "../models/model.ts";
import type { ProjectFolder } from "./folder.ts";

/**
 * The house's one value (DESIGN "The house"): Bellwether's built-in models, metrics, dimensions and
 * pages with a team's own folder joined, assembled once at the top and handed down. Each layer receives
 * the part it reads (the catalog, the pages, the models, the folder's mappings), never a global.
 */
export interface Project {
  /** The team's own folder, when the config came from a file: what it adds (its mappings are read from here). */
  folder?: ProjectFolder;
  catalog: Catalog;
  models: readonly Model[];
  pages: readonly PageSpec[];
}

/** Assembles a project from a team's folder, or from the built-ins alone. */
export function assembleProject(folder?: ProjectFolder): Project {
  const models = joinedModels(folder);
  return { folder, models, catalog: catalog(folder, accountMonthMarts(models)), pages: sitePages(folder) };
}

/** The built-in models with a project's joined (dbt's way: a file in the project is a model). */
function joinedModels(folder: ProjectFolder | undefined): Model[] {
  if (!folder) return readModels();
  return joinByName(readModels(), folder.models, {
    kind: "model",
    nameOf: (m) => m.id,
    builtInFile: (m) => builtInFile(m.file),
    ownFile: (m) => ownFile(folder.root, m.file),
    replaces: (m) => m.replaces,
  });
}

/** The marts a data test keeps to one row per account and month: a snapshot counts their rows for distinct accounts. */
function accountMonthMarts(models: readonly Model[]): Set<string> {
  const keyed = (test: DataTest) => test.kind === "unique" && test.args.replace(/\s+/g, "") === "account_id,month_index";
  return new Set(models.filter((m) => m.schema === "marts" && m.tests.some(keyed)).map((m) => m.name));
}
