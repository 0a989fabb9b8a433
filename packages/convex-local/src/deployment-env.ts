// Deployment environment variables (`convex env set/get/list/remove`):
// persisted in the data folder (`env.json`, mode 600) and applied to
// process.env, which functions read. They win over the process environment
// and --env-file; removing one brings back the value the process started with.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fsyncDir } from "./durable-files.ts";

const FILE = "env.json";
/** Convex's rules for names and values. */
const NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
const MAX_VALUE_BYTES = 8 * 1024;
/** Set by the runtime itself, as on every Convex deployment. */
const RESERVED = new Set(["CONVEX_CLOUD_URL", "CONVEX_SITE_URL"]);

export class EnvChangeError extends Error {}

export class DeploymentEnv {
  private readonly file: string;
  private readonly vars = new Map<string, string>();
  private readonly original = new Map<string, string | undefined>();

  constructor(dataDir: string) {
    this.file = join(dataDir, FILE);
    if (existsSync(this.file)) {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as Record<string, string>;
      for (const [name, value] of Object.entries(parsed)) this.apply(name, value);
    }
  }

  private apply(name: string, value: string | null): void {
    if (!this.original.has(name)) this.original.set(name, process.env[name]);
    if (value === null) {
      this.vars.delete(name);
      const before = this.original.get(name);
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    } else {
      this.vars.set(name, value);
      process.env[name] = value;
    }
  }

  list(): Array<{ name: string; value: string }> {
    return [...this.vars.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value }));
  }

  get(name: string): string | null {
    return this.vars.get(name) ?? null;
  }

  /** Applies every change (value null or absent: remove) or none, then persists them. */
  update(changes: Array<{ name: string; value?: string | null }>): void {
    for (const { name, value } of changes) {
      if (!NAME.test(name)) {
        throw new EnvChangeError(
          `Invalid environment variable name "${name}": letters, digits and underscores, starting with a letter, at most 40 characters.`,
        );
      }
      if (RESERVED.has(name)) {
        throw new EnvChangeError(`${name} is set by the deployment and cannot be changed.`);
      }
      if (typeof value === "string" && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
        throw new EnvChangeError(`The value of ${name} is larger than 8 KiB.`);
      }
    }
    for (const { name, value } of changes) this.apply(name, value ?? null);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(this.vars), null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
    fsyncDir(join(this.file, ".."));
  }
}
