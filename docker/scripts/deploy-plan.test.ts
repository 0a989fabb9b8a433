// docker/scripts/deploy.ts without Docker: its plan on a fresh server, on a second run (nothing
// to redo), during a worker key rotation and for Convex cloud; docker/.env checks; and the
// script's --dry-run as a process (prints the plan, changes nothing, shows no secret).
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import { describe, expect, it } from "vitest";
import {
  checkDeployEnv,
  convexEnvChanges,
  type DeployState,
  parseConvexEnvList,
  parseEnvFile,
  planDeploy,
  wantedConvexEnv,
} from "./deploy-plan.ts";

const SELF_HOSTED_ENV = {
  INSTANCE_SECRET: "a".repeat(64),
  CONVEX_CLOUD_ORIGIN: "https://api.nexus.example",
  CONVEX_SITE_ORIGIN: "https://site.nexus.example",
  SESSION_SECRET: "s".repeat(64),
  CLERK_PUBLISHABLE_KEY: "pk_live_x",
  CLERK_SECRET_KEY: "sk_live_secret_value",
  CLERK_JWT_ISSUER_DOMAIN: "https://clerk.nexus.example",
  PUBLIC_APP_URL: "https://app.nexus.example",
  OPENAI_API_KEY: "sk-openai-secret-value",
  ADMIN_EMAIL: "direction@nexus.example",
};

const workerKey = JSON.stringify((await generateServiceKeyPair("worker-1")).privateJwk);
const signingKey = JSON.stringify((await generateServiceKeyPair("signing-1")).privateJwk);

function fresh(): DeployState {
  return {
    mode: "self-hosted",
    env: { ...SELF_HOSTED_ENV },
    secrets: {
      workerPrivateKey: null,
      workerPreviousKey: null,
      apiKeySigningKey: null,
      convexAdminKey: null,
      adminApiKey: null,
    },
    convexEnv: null,
  };
}

function deployed(): DeployState {
  const state = fresh();
  state.secrets = {
    workerPrivateKey: workerKey,
    workerPreviousKey: null,
    apiKeySigningKey: signingKey,
    convexAdminKey: "nexus-reussite|0123abcd",
    adminApiKey: "nxr_key",
  };
  state.convexEnv = { ...wantedConvexEnv(state), SOMETHING_ELSE: "kept" };
  return state;
}

const ids = (state: DeployState) =>
  planDeploy(state).map((s) => (s.id === "skip" ? `skip:${s.what}` : s.id));

describe("the deploy plan", () => {
  it("on a fresh server: keys, Convex up, admin key, variables, functions, app, first admin", () => {
    expect(ids(fresh())).toEqual([
      "generate-keys",
      "start-convex",
      "generate-admin-key",
      "set-convex-env",
      "deploy-functions",
      "start-app",
      "bootstrap-admin",
    ]);
    const admin = planDeploy(fresh()).find((s) => s.id === "generate-admin-key");
    expect(admin && "command" in admin && admin.command.slice(-4)).toEqual([
      "exec",
      "-T",
      "backend",
      "./generate_admin_key.sh",
    ]);
  });

  it("run twice: nothing is made again, only deploy and compose up (which converge)", () => {
    expect(ids(deployed())).toEqual([
      "skip:generate-keys",
      "start-convex",
      "skip:generate-admin-key",
      "skip:set-convex-env",
      "deploy-functions",
      "start-app",
      "skip:bootstrap-admin",
    ]);
  });

  it("sets only the Convex variables that differ, and never removes one", () => {
    const state = deployed();
    state.env.CLERK_JWT_ISSUER_DOMAIN = "https://clerk.autre.example";
    const step = planDeploy(state).find((s) => s.id === "set-convex-env");
    expect(step && "names" in step && step.names).toEqual(["CLERK_JWT_ISSUER_DOMAIN"]);
    expect(convexEnvChanges({ A: "1" }, { A: "1", B: "2" })).toEqual({ set: [], unchanged: ["A"] });
  });

  it("gives the functions what they need, never the dev sign-in", () => {
    const wanted = wantedConvexEnv(deployed());
    expect(Object.keys(wanted).sort()).toEqual(
      ["API_KEY_SIGNING_KEY", "CLERK_JWT_ISSUER_DOMAIN", "OPENAI_API_KEY", "WORKER_JWKS"].sort(),
    );
    const jwks = JSON.parse(wanted.WORKER_JWKS ?? "{}") as { keys: Record<string, string>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(["worker-1"]);
    expect(jwks.keys[0]?.d).toBeUndefined();
    expect(checkDeployEnv("self-hosted", { ...SELF_HOSTED_ENV, DEV_AUTH_ISSUER: "x" })).toEqual([
      "DEV_AUTH_ISSUER: the dev sign-in has no place in production",
    ]);
  });

  it("during a worker key rotation, WORKER_JWKS accepts the previous and the current key", async () => {
    const state = deployed();
    state.secrets.workerPreviousKey = workerKey;
    state.secrets.workerPrivateKey = JSON.stringify(
      (await generateServiceKeyPair("worker-2")).privateJwk,
    );
    const jwks = JSON.parse(wantedConvexEnv(state).WORKER_JWKS ?? "{}") as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(["worker-1", "worker-2"]);
    const step = planDeploy(state).find((s) => s.id === "set-convex-env");
    expect(step && "names" in step && step.names).toEqual(["WORKER_JWKS"]);
  });

  it("for Convex cloud: no backend, the deploy key, the cloud compose file", () => {
    const state = deployed();
    state.mode = "cloud";
    state.env = {
      ...SELF_HOSTED_ENV,
      CONVEX_URL: "https://happy-otter-123.convex.cloud",
      CONVEX_DEPLOY_KEY: "prod:happy-otter-123|secret",
    };
    const plan = planDeploy(state, ["docker-compose"]);
    expect(plan.map((s) => s.id)).not.toContain("start-convex");
    const deploy = plan.find((s) => s.id === "deploy-functions");
    expect(deploy && "env" in deploy && Object.keys(deploy.env)).toEqual(["CONVEX_DEPLOY_KEY"]);
    const app = plan.find((s) => s.id === "start-app");
    expect(app && "command" in app && app.command.join(" ")).toContain(
      "docker-compose --env-file docker/.env -f docker/docker-compose.cloud.yml up -d --build",
    );
  });

  it("names every missing or malformed docker/.env variable", () => {
    expect(checkDeployEnv("self-hosted", SELF_HOSTED_ENV)).toEqual([]);
    const { INSTANCE_SECRET: _i, CLERK_JWT_ISSUER_DOMAIN: _c, ...rest } = SELF_HOSTED_ENV;
    expect(
      checkDeployEnv("self-hosted", { ...rest, PUBLIC_APP_URL: "http://app.example" }),
    ).toEqual([
      "INSTANCE_SECRET: missing in docker/.env (self-hosted)",
      "CLERK_JWT_ISSUER_DOMAIN: missing in docker/.env (self-hosted)",
      "PUBLIC_APP_URL: must be an https:// URL (http://app.example)",
    ]);
    expect(checkDeployEnv("cloud", SELF_HOSTED_ENV)).toEqual([
      "CONVEX_URL: missing in docker/.env (cloud)",
      "CONVEX_DEPLOY_KEY: missing in docker/.env (cloud)",
    ]);
  });

  it("reads .env files and `convex env list`", () => {
    expect(parseEnvFile("# c\nA=1\nexport B=\"deux mots\"\nC='x=y'\nD=4 # note\nE=\n")).toEqual({
      A: "1",
      B: "deux mots",
      C: "x=y",
      D: "4",
    });
    expect(parseConvexEnvList('WORKER_JWKS={"keys":[]}\nX=a=b\n\n')).toEqual({
      WORKER_JWKS: '{"keys":[]}',
      X: "a=b",
    });
  });
});

describe("deploy.ts --dry-run", () => {
  it("prints the plan, changes nothing and shows no secret", () => {
    const repo = join(import.meta.dirname, "../..");
    // A copy of the scripts with their own docker/.env and docker/secrets, inside the repository
    // (test-results/, ignored by git) so that packages resolve from its node_modules.
    mkdirSync(join(repo, "test-results"), { recursive: true });
    const sandbox = mkdtempSync(join(repo, "test-results", "deploy-"));
    cpSync(join(repo, "docker/scripts"), join(sandbox, "docker/scripts"), { recursive: true });
    const envText = Object.entries(SELF_HOSTED_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n");
    writeFileSync(join(sandbox, "docker/.env"), `${envText}\n`);
    const result = spawnSync("bun", [join(sandbox, "docker/scripts/deploy.ts"), "--dry-run"], {
      cwd: repo,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" },
    });
    try {
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      const lines = result.stdout.trim().split("\n");
      expect(lines[0]).toBe("[deploy] dry run (self-hosted): nothing is changed");
      expect(
        lines.slice(1).map((l) => l.replace(/^\[deploy\] \d+\. /, "").split(/[ :]/)[0]),
      ).toEqual([
        "generate",
        "start-convex",
        "generate-admin-key",
        "set-convex-env",
        "deploy-functions",
        "start-app",
        "bootstrap-admin",
      ]);
      for (const secret of ["sk_live_secret_value", "sk-openai-secret-value", "a".repeat(64)]) {
        expect(result.stdout).not.toContain(secret);
      }
      expect(existsSync(join(sandbox, "docker/secrets"))).toBe(false);
      expect(readdirSync(join(sandbox, "docker")).sort()).toEqual([".env", "scripts"]);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
