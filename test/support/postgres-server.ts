import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A private PostgreSQL server for tests and the bench: a fresh cluster (initdb) in a temporary folder,
 * listening only on a Unix socket there (no TCP port), stopped by its PID. The server refuses to run
 * as root, so under root (CI) it runs as the `postgres` user Debian's package creates.
 */
export interface LocalPostgres {
  /** A URL for a database on this server, with Bellwether's own parameters (schema=…, raw=…). */
  url(database: string, params?: Record<string, string>): string;
  createDatabase(name: string): Promise<void>;
  /** Runs SQL as the superuser on a database. */
  sql(database: string, text: string): Promise<pg.QueryResult>;
  pid: number;
  stop(): Promise<void>;
}

const USER = "bellwether";

export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, "initdb"))) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

export async function startPostgres(): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("PostgreSQL server binaries not found: apt-get install postgresql (or set PG_BIN)");
  const dir = mkdtempSync(join(tmpdir(), "bw-pg-"));
  const data = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  let runAs: string[] = [];
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
    runAs = ["runuser", "-u", "postgres", "--"];
  }
  const run = (command: string, args: string[]) => {
    const [program, ...rest] = [...runAs, join(bin, command), ...args];
    const result = spawnSync(program as string, rest, { encoding: "utf8", cwd: dir });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  run("initdb", ["-D", data, "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-k ${dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  const url = (database: string, params: Record<string, string> = {}) => {
    const query = new URLSearchParams({ host: dir, ...params });
    return `postgres://${USER}@localhost/${database}?${query.toString()}`;
  };
  const sql = async (database: string, text: string) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    pid,
    sql,
    async createDatabase(name) {
      await sql("postgres", `CREATE DATABASE "${name}"`);
    },
    async stop() {
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing is waited for.
      try {
        process.kill(pid, "SIGINT");
      } catch {
        // already gone
      }
      for (let i = 0; i < 300; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
