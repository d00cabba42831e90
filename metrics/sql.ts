import {
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type SqlBool,
  sql,
} from "kysely";

/**
 * Kysely only builds SQL here; DuckDB runs it. DuckDB reads PostgreSQL-style SQL and `$n`
 * parameters, so the PostgreSQL compiler is the right one, and no driver is needed.
 */
// `any`: tables are resolved from metric definitions at run time.
export type Db = Kysely<any>;

export const builder: Db = new Kysely({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** `a.col IS NOT DISTINCT FROM b.col`, so that a null dimension value still joins to its group. */
export function sameValue(left: string, right: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(left)} IS NOT DISTINCT FROM ${sql.ref(right)}`;
}

export { sql };
