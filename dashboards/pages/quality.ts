import { relative, sep } from "node:path";
import { definePage } from "../page.ts";

/** Data quality: what landed, what was quarantined and why, and how fresh each table is. */
export const qualityPage = definePage({
  file: "quality.html",
  nav: "Data quality",
  title: "Data quality",
  intro:
    "Every file landed is recorded with its rows read, landed and quarantined (landed + quarantined = read). Quarantined rows keep their file, line, column, reason and original text in the warehouse's quarantine schema, a table per landing table.",
  sections: [
    {
      title: "Freshness",
      blocks: [
        {
          kind: "listing",
          id: "quality-freshness",
          // It reads the newest date of each raw table too, but only a load changes that, and every load is in
          // meta.loads; declaring raw.* would keep this page from being written when a file is refused.
          reads: ["meta.loads"],
          title: "Each landing table: how new its data is, and its last load",
          description:
            "Per raw table: the newest moment its rows record (an event, a ticket, a start…) and how many days before this build that was; then the loads, rows and when a file last landed. A load today of old data is still old data.",
          rows: (db) =>
            db.all(`
              WITH loads AS (
                SELECT table_name, count(*) AS loads, sum(rows_landed) AS rows_landed, sum(rows_quarantined) AS rows_quarantined,
                  max(started_at) AS last_load
                FROM meta.loads WHERE status IN ('landed', 'skipped') GROUP BY table_name
              ),
              newest AS (SELECT table_name, newest FROM meta.raw_freshness)
              SELECT n.table_name, {{ format_time(n.newest, '%Y-%m-%d') }} AS newest_data,
                {{ days_between(n.newest, now()) }} AS days_old,
                coalesce(l.loads, 0) AS loads, coalesce(l.rows_landed, 0) AS rows_landed, coalesce(l.rows_quarantined, 0) AS rows_quarantined,
                {{ format_time(l.last_load, '%Y-%m-%d %H:%M') }} AS last_load
              FROM newest AS n LEFT JOIN loads AS l USING (table_name)
              ORDER BY n.table_name`),
          columns: [
            { name: "table_name", label: "Table" },
            { name: "newest_data", label: "Newest data" },
            { name: "days_old", label: "Days old", format: "count" },
            { name: "loads", label: "Loads", format: "count" },
            { name: "rows_landed", label: "Rows landed", format: "count" },
            { name: "rows_quarantined", label: "Rows quarantined", format: "count" },
            { name: "last_load", label: "Last load (UTC)" },
          ],
          empty: "Nothing has been landed yet.",
        },
      ],
    },
    {
      title: "Quarantine",
      blocks: [
        {
          kind: "listing",
          id: "quality-quarantine",
          reads: ["meta.loads"],
          title: "Quarantined rows by table, column and reason",
          description: "Rows that broke a landing contract, counted by table, column and rule, with one example message.",
          rows: async (db, config) => {
            const tables = await db.all<{ table_name: string }>(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
              [db.schemaName("quarantine")],
            );
            if (tables.length === 0) return [];
            // Table names come from the catalog, not from data; each is quoted as an identifier.
            const union = tables
              .map(
                ({ table_name }) =>
                  `SELECT '${table_name.replaceAll("'", "''")}' AS table_name, column_name, reason, message FROM quarantine."${table_name.replaceAll('"', '""')}"`,
              )
              .join(" UNION ALL ");
            const rows = await db.all(
              `SELECT table_name, coalesce(column_name, '(record)') AS column_name, reason, count(*) AS quarantined, min(message) AS example
               FROM (${union}) AS q GROUP BY table_name, coalesce(column_name, '(record)'), reason
               ORDER BY quarantined DESC, table_name, column_name`,
            );
            return rows.map((r) => ({ ...r, example: withinProject(String(r.example), config.root) }));
          },
          columns: [
            { name: "table_name", label: "Table" },
            { name: "column_name", label: "Column" },
            { name: "reason", label: "Rule" },
            { name: "quarantined", label: "Rows", format: "count" },
            { name: "example", label: "Example" },
          ],
          empty: "No row has been quarantined.",
        },
      ],
    },
    {
      title: "Loads",
      blocks: [
        {
          kind: "listing",
          id: "quality-loads",
          reads: ["meta.loads"],
          title: "Load history, newest first",
          description: "Every file landed, skipped (unchanged) or refused, with its row counts and time taken.",
          // Paths as the team knows them, from the project folder: a page or its CSV never shows where it was built.
          rows: async (db, config) =>
            (
              await db.all(`
              SELECT {{ format_time(started_at, '%Y-%m-%d %H:%M:%S') }} AS started, table_name, file, status, rows_read, rows_landed, rows_quarantined, seconds,
                coalesce(message, '') AS message
              FROM meta.loads ORDER BY started_at DESC, table_name LIMIT 200`)
            ).map((r) => ({
              ...r,
              file: relative(config.root, String(r.file)) || ".",
              message: withinProject(String(r.message), config.root),
            })),
          columns: [
            { name: "started", label: "Started (UTC)" },
            { name: "table_name", label: "Table" },
            { name: "file", label: "File" },
            { name: "status", label: "Status" },
            { name: "rows_read", label: "Read", format: "count" },
            { name: "rows_landed", label: "Landed", format: "count" },
            { name: "rows_quarantined", label: "Quarantined", format: "count" },
            { name: "seconds", label: "Seconds", format: "ratio" },
            { name: "message", label: "Message" },
          ],
          empty: "Nothing has been landed yet.",
        },
      ],
    },
  ],
});

/** A message's paths under the project folder, written from it ("exports/crm_accounts.csv: …"). */
function withinProject(text: string, root: string): string {
  return text.replaceAll(`${root.replace(/\/+$/, "")}${sep}`, "");
}
