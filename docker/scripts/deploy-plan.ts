// The deployment's logic, pure: from what is on disk (docker/.env, docker/secrets/) and what
// the Convex deployment already has, the steps to run. docker/scripts/deploy.ts runs them (or
// prints them with --dry-run); docker/scripts/deploy-plan.test.ts checks them without Docker.
// Every step is idempotent: keys and the admin key are made once, Convex variables are set only
// when they differ, `convex deploy` and `compose up` converge, the first admin is made once.
import {
  type JWK,
  mergeJwks,
  parsePrivateJwk,
  publicJwksOf,
} from "@nexus/service-auth/service-tokens";

export type DeployMode = "self-hosted" | "cloud";

/** What docker/.env must define, per mode (checked before anything runs). */
export const REQUIRED_ENV: Record<DeployMode, readonly string[]> = {
  "self-hosted": [
    "INSTANCE_SECRET",
    "CONVEX_CLOUD_ORIGIN",
    "CONVEX_SITE_ORIGIN",
    "SESSION_SECRET",
    "CLERK_PUBLISHABLE_KEY",
    "CLERK_SECRET_KEY",
    "CLERK_JWT_ISSUER_DOMAIN",
    "PUBLIC_APP_URL",
  ],
  cloud: [
    "CONVEX_URL",
    "CONVEX_DEPLOY_KEY",
    "SESSION_SECRET",
    "CLERK_PUBLISHABLE_KEY",
    "CLERK_SECRET_KEY",
    "CLERK_JWT_ISSUER_DOMAIN",
    "PUBLIC_APP_URL",
  ],
};

/** Convex variables copied from docker/.env when set (read by the functions). */
export const PASS_THROUGH_CONVEX_ENV = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_EMBEDDINGS_MODEL",
  "EMBEDDINGS_PROVIDER",
  "DOCUMENT_MAX_BYTES",
  "WORKER_OFFLINE_AFTER_MS",
  "ALERT_STALL_AFTER_MS",
  "ALERT_FAILURE_RATE",
  "ALERT_MIN_FAILURES",
] as const;

/** Never sent to a real deployment (auth.config.ts ignores them off loopback anyway). */
export const FORBIDDEN_CONVEX_ENV = ["DEV_AUTH_ISSUER", "DEV_AUTH_JWKS_URL"] as const;

/** The local ports of the self-hosted backend (docker-compose.yml binds them on 127.0.0.1). */
export const SELF_HOSTED_URL = "http://127.0.0.1:3210";
export const SELF_HOSTED_SITE_URL = "http://127.0.0.1:3211";

export const SECRET_FILES = {
  workerPrivateKey: "worker-private-key.json",
  workerPreviousKey: "worker-private-key.previous.json",
  workerJwks: "worker-jwks.json",
  apiKeySigningKey: "api-key-signing-key.json",
  convexAdminKey: "convex-admin-key",
  adminApiKey: "admin-api-key",
} as const;

export interface DeployState {
  mode: DeployMode;
  /** docker/.env, parsed. */
  env: Record<string, string>;
  /** Contents of docker/secrets/* (null: absent). */
  secrets: {
    workerPrivateKey: string | null;
    workerPreviousKey: string | null;
    apiKeySigningKey: string | null;
    convexAdminKey: string | null;
    adminApiKey: string | null;
  };
  /** `convex env list` of the deployment; null when not known yet (dry run, first start). */
  convexEnv: Record<string, string> | null;
  /** Worker replicas to run (WORKER_REPLICAS, default 1). */
  replicas?: number;
}

export type Step =
  | { id: "generate-keys"; reason: string }
  | { id: "start-convex"; command: string[] }
  | { id: "generate-admin-key"; command: string[] }
  | { id: "set-convex-env"; names: string[]; unchanged: string[] }
  | { id: "deploy-functions"; command: string[]; env: Record<string, string> }
  | { id: "start-app"; command: string[] }
  | { id: "bootstrap-admin"; email: string; command: string[]; env: Record<string, string> }
  | { id: "skip"; what: string; reason: string };

/** Parses a .env file: NAME=value lines, # comments, optional single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? "";
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? "";
    else value = value.replace(/\s+#.*$/, "");
    if (value !== "") out[match[1] as string] = value;
  }
  return out;
}

/** Problems with docker/.env, one line each, naming the variable. */
export function checkDeployEnv(mode: DeployMode, env: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED_ENV[mode]) {
    if (!env[name]?.trim()) problems.push(`${name}: missing in docker/.env (${mode})`);
  }
  for (const name of [
    "CONVEX_CLOUD_ORIGIN",
    "CONVEX_SITE_ORIGIN",
    "PUBLIC_APP_URL",
    "CONVEX_URL",
  ]) {
    const value = env[name];
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.protocol !== "https:") problems.push(`${name}: must be an https:// URL (${value})`);
    } catch {
      problems.push(`${name}: not a URL (${value})`);
    }
  }
  if (env.SESSION_SECRET && env.SESSION_SECRET.length < 32) {
    problems.push("SESSION_SECRET: at least 32 characters");
  }
  for (const name of FORBIDDEN_CONVEX_ENV) {
    if (env[name]) problems.push(`${name}: the dev sign-in has no place in production`);
  }
  return problems;
}

/** WORKER_JWKS: the current worker key's public half, plus the previous one during a rotation. */
export function workerJwks(current: string, previous: string | null): { keys: JWK[] } {
  const sets = [];
  if (previous) sets.push(publicJwksOf(parsePrivateJwk(previous, SECRET_FILES.workerPreviousKey)));
  sets.push(publicJwksOf(parsePrivateJwk(current, SECRET_FILES.workerPrivateKey)));
  return mergeJwks(...sets);
}

/** Every Convex variable the functions need, from the keys and docker/.env. */
export function wantedConvexEnv(state: DeployState): Record<string, string> {
  const { workerPrivateKey, workerPreviousKey, apiKeySigningKey } = state.secrets;
  if (!workerPrivateKey || !apiKeySigningKey) {
    throw new Error("wantedConvexEnv: the service keys must exist (generate-keys runs first).");
  }
  const wanted: Record<string, string> = {
    WORKER_JWKS: JSON.stringify(workerJwks(workerPrivateKey, workerPreviousKey)),
    API_KEY_SIGNING_KEY: apiKeySigningKey.trim(),
  };
  if (state.env.CLERK_JWT_ISSUER_DOMAIN) {
    wanted.CLERK_JWT_ISSUER_DOMAIN = state.env.CLERK_JWT_ISSUER_DOMAIN;
  }
  for (const name of PASS_THROUGH_CONVEX_ENV) {
    const value = state.env[name];
    if (value) wanted[name] = value;
  }
  return wanted;
}

/** Which variables to set: those missing or different. Never removes anything. */
export function convexEnvChanges(
  wanted: Record<string, string>,
  current: Record<string, string> | null,
): { set: string[]; unchanged: string[] } {
  const set: string[] = [];
  const unchanged: string[] = [];
  for (const [name, value] of Object.entries(wanted)) {
    if (current && current[name] === value) unchanged.push(name);
    else set.push(name);
  }
  return { set, unchanged };
}

/** Parses `convex env list` (NAME=value per line; values may contain "="). */
export function parseConvexEnvList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    const name = line.slice(0, at).trim();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out[name] = line.slice(at + 1);
  }
  return out;
}

export function composeFile(mode: DeployMode): string {
  return mode === "cloud" ? "docker/docker-compose.cloud.yml" : "docker/docker-compose.yml";
}

/** Environment of the Convex CLI for this deployment (admin credentials; never logged). */
export function convexCliEnv(state: DeployState): Record<string, string> {
  if (state.mode === "cloud") return { CONVEX_DEPLOY_KEY: state.env.CONVEX_DEPLOY_KEY ?? "" };
  return {
    CONVEX_SELF_HOSTED_URL: SELF_HOSTED_URL,
    CONVEX_SELF_HOSTED_ADMIN_KEY: state.secrets.convexAdminKey?.trim() ?? "",
  };
}

/** The steps, in order. `compose` is the Compose command (["docker", "compose"] or ["docker-compose"]). */
export function planDeploy(state: DeployState, compose: string[] = ["docker", "compose"]): Step[] {
  const file = composeFile(state.mode);
  const dc = [...compose, "--env-file", "docker/.env", "-f", file];
  const steps: Step[] = [];

  if (!state.secrets.workerPrivateKey || !state.secrets.apiKeySigningKey) {
    steps.push({ id: "generate-keys", reason: "docker/secrets has no service keys yet" });
  } else {
    steps.push({
      id: "skip",
      what: "generate-keys",
      reason: "service keys already in docker/secrets",
    });
  }

  if (state.mode === "self-hosted") {
    steps.push({ id: "start-convex", command: [...dc, "up", "-d", "backend", "dashboard"] });
    if (state.secrets.convexAdminKey) {
      steps.push({
        id: "skip",
        what: "generate-admin-key",
        reason: "docker/secrets/convex-admin-key exists",
      });
    } else {
      steps.push({
        id: "generate-admin-key",
        command: [...dc, "exec", "-T", "backend", "./generate_admin_key.sh"],
      });
    }
  }

  // Variables before code: auth.config.ts reads WORKER_JWKS and CLERK_JWT_ISSUER_DOMAIN when the
  // functions are deployed, so the deploy that follows picks up a changed key.
  const keysKnown = Boolean(state.secrets.workerPrivateKey && state.secrets.apiKeySigningKey);
  const wanted = keysKnown
    ? wantedConvexEnv(state)
    : Object.fromEntries(
        [
          "WORKER_JWKS",
          "API_KEY_SIGNING_KEY",
          "CLERK_JWT_ISSUER_DOMAIN",
          ...PASS_THROUGH_CONVEX_ENV,
        ]
          .filter((n) => n === "WORKER_JWKS" || n === "API_KEY_SIGNING_KEY" || state.env[n])
          .map((n) => [n, "(generated)"]),
      );
  const changes = convexEnvChanges(wanted, keysKnown ? state.convexEnv : null);
  if (changes.set.length > 0) {
    steps.push({ id: "set-convex-env", names: changes.set, unchanged: changes.unchanged });
  } else {
    steps.push({
      id: "skip",
      what: "set-convex-env",
      reason: "every Convex variable is up to date",
    });
  }

  steps.push({
    id: "deploy-functions",
    command: ["bunx", "convex", "deploy", "--yes"],
    env: convexCliEnv(state),
  });

  const replicas = Math.max(1, state.replicas ?? 1);
  steps.push({
    id: "start-app",
    command: [...dc, "up", "-d", "--build", "--scale", `worker=${replicas}`, "web", "worker"],
  });

  const email = state.env.ADMIN_EMAIL;
  if (state.secrets.adminApiKey) {
    steps.push({
      id: "skip",
      what: "bootstrap-admin",
      reason: "docker/secrets/admin-api-key exists",
    });
  } else if (!email) {
    steps.push({
      id: "skip",
      what: "bootstrap-admin",
      reason: "ADMIN_EMAIL is not set in docker/.env",
    });
  } else {
    const convexUrl = state.mode === "cloud" ? (state.env.CONVEX_URL ?? "") : SELF_HOSTED_URL;
    steps.push({
      id: "bootstrap-admin",
      email,
      command: [
        "bun",
        "apps/worker/bin/nexus-worker.ts",
        "keys",
        "bootstrap",
        "--email",
        email,
        "--label",
        "déploiement",
        "--out",
        `docker/secrets/${SECRET_FILES.adminApiKey}`,
      ],
      env: {
        CONVEX_URL: convexUrl,
        ...(state.mode === "self-hosted" ? { CONVEX_SITE_URL: SELF_HOSTED_SITE_URL } : {}),
        WORKER_PRIVATE_KEY_FILE: `docker/secrets/${SECRET_FILES.workerPrivateKey}`,
      },
    });
  }
  return steps;
}

/** A step as one line for people (no secret: variable names only). */
export function describeStep(step: Step): string {
  switch (step.id) {
    case "generate-keys":
      return `generate the service keys in docker/secrets (${step.reason})`;
    case "start-convex":
    case "generate-admin-key":
    case "start-app":
      return `${step.id}: ${step.command.join(" ")}`;
    case "set-convex-env":
      return `set-convex-env: ${step.names.join(", ")}${step.unchanged.length ? ` (unchanged: ${step.unchanged.join(", ")})` : ""}`;
    case "deploy-functions":
      return `deploy-functions: ${Object.keys(step.env).join(", ")} ${step.command.join(" ")}`;
    case "bootstrap-admin":
      return `bootstrap-admin: ${step.command.join(" ")}`;
    case "skip":
      return `skip ${step.what}: ${step.reason}`;
  }
}
