/**
 * Bellwether's typed API for a project of one's own (`bellwether init DIR`): its config, metrics,
 * dimensions, pages and mappings, the marks pages draw with, and the query API.
 */
export { type Config, type ConfigInput, defineConfig, loadConfig } from "./project/config.ts";
export { type DimensionInput, defineDimension, defineMetric, type MetricInput } from "./metrics/definition.ts";
export { type ChartContext, definePage, type PageSpec } from "./dashboards/page.ts";
export { groupedBars, lines, metricSeries, stackedBars } from "./dashboards/marks.ts";
export { defineMapping, type ManifestInput } from "./pipelines/mappings/manifest.ts";
export { type MetricRow, query, type QueryResult } from "./metrics/query.ts";
export { toArrow } from "./metrics/arrow.ts";
export type { MetricQuery } from "./metrics/compile.ts";
export { openWarehouse, openWarehouseForReading } from "./core/open-warehouse.ts";
export { catalog } from "./metrics/catalog.ts";
export { assembleProject, type Project } from "./project/project.ts";
