#!/usr/bin/env bun
// Deploys Nexus Réussite with Docker Compose; safe to run again (each step converges):
//   bun docker/scripts/deploy.ts [--cloud] [--dry-run]
// 1. service keys in docker/secrets (worker key pair, API-key signing key), made once;
// 2. self-hosted: the Convex backend and dashboard up; the admin key generated once with the
//    image's generate_admin_key.sh (docker/secrets/convex-admin-key);
// 3. the Convex variables the functions need (WORKER_JWKS, API_KEY_SIGNING_KEY, the Clerk
//    issuer, provider keys…), set only when they differ from `convex env list`;
// 4. the functions: `bunx convex deploy` (CONVEX_SELF_HOSTED_URL/ADMIN_KEY, or CONVEX_DEPLOY_KEY);
// 5. web and worker built and started (WORKER_REPLICAS replicas);
// 6. the first admin (ADMIN_EMAIL, once signed in): an API key in docker/secrets/admin-api-key.
// The plan is computed by deploy-plan.ts (pure, tested); --dry-run prints it and changes nothing.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateServiceKeyPair } from "@nexus/service-auth/service-tokens";
import {
  checkDeployEnv,
  convexCliEnv,
  type DeployState,
  describeStep,
  parseConvexEnvList,
  parseEnvFile,
  planDeploy,
  SECRET_FILES,
  SELF_HOSTED_URL,
  type Step,
  wantedConvexEnv,
} from "./deploy-plan.ts";

const root = join(import.meta.dir, "../..");
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const mode = args.includes("--cloud") ? "cloud" : "self-hosted";
const envFile = join(root, "docker/.env");
const secretsDir = join(root, "docker/secrets");
/** The image's user (oven/bun's "bun"): the worker container reads its key as that user. */
const CONTAINER_UID = 1000;

const say = (line: string) => console.log(`[deploy] ${line}`);
function fail(line: string): never {
  console.error(`[deploy] ${line}`);
  process.exit(1);
}

function readSecret(name: string): string | null {
  const path = join(secretsDir, name);
  return existsSync(path) ? readFileSync(path, "utf8").trim() || null : null;
}

function writeSecret(name: string, content: string) {
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(secretsDir, name), `${content}\n`, { mode: 0o600 });
}

/**
 * Compose mounts docker/secrets/worker-private-key.json into the worker as is (owner and mode):
 * the image's user (uid 1000) must be able to read it. As root: owned by 1000, mode 600. As
 * another user: mode 644, the folder staying 700 so nobody else on the host can reach it.
 * Run before the containers start, on every deploy (after `keys rotate` too).
 */
function fixWorkerKeyAccess() {
  const path = join(secretsDir, SECRET_FILES.workerPrivateKey);
  if (!existsSync(path)) return;
  chmodSync(secretsDir, 0o700);
  if (process.getuid?.() === 0) {
    chownSync(path, CONTAINER_UID, CONTAINER_UID);
    chmodSync(path, 0o600);
  } else {
    chmodSync(path, 0o644);
  }
}

function composeCommand(): string[] {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return ["docker", "compose"];
}

/** Runs a command in the repository; its output is shown unless it carries a secret. */
function run(
  command: string[],
  options: { env?: Record<string, string>; capture?: boolean } = {},
): string {
  const [bin, ...rest] = command;
  const result = spawnSync(bin as string, rest, {
    cwd: root,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
  });
  if (result.status !== 0)
    fail(`« ${command.slice(0, 4).join(" ")} … » failed (${result.status}).`);
  return result.stdout ?? "";
}

function loadState(): DeployState {
  if (!existsSync(envFile)) fail(`${envFile} is missing: copy docker/.env.example and fill it in.`);
  const env = parseEnvFile(readFileSync(envFile, "utf8"));
  const problems = checkDeployEnv(mode, env);
  if (problems.length > 0) fail(`docker/.env: ${problems.join("; ")}`);
  return {
    mode,
    env,
    secrets: {
      workerPrivateKey: readSecret(SECRET_FILES.workerPrivateKey),
      workerPreviousKey: readSecret(SECRET_FILES.workerPreviousKey),
      apiKeySigningKey: readSecret(SECRET_FILES.apiKeySigningKey),
      convexAdminKey: readSecret(SECRET_FILES.convexAdminKey),
      adminApiKey: readSecret(SECRET_FILES.adminApiKey),
    },
    convexEnv: null,
    replicas: Number(env.WORKER_REPLICAS ?? 1) || 1,
  };
}

async function waitForBackend() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${SELF_HOSTED_URL}/version`)).ok) return;
    } catch {}
    await Bun.sleep(1_000);
  }
  fail(`the Convex backend did not answer on ${SELF_HOSTED_URL}/version within 2 minutes.`);
}

async function execute(step: Step, state: DeployState) {
  say(describeStep(step));
  switch (step.id) {
    case "skip":
      return;
    case "generate-keys": {
      const worker = await generateServiceKeyPair();
      const signing = await generateServiceKeyPair();
      writeSecret(SECRET_FILES.workerPrivateKey, JSON.stringify(worker.privateJwk));
      writeSecret(SECRET_FILES.apiKeySigningKey, JSON.stringify(signing.privateJwk));
      writeFileSync(
        join(secretsDir, SECRET_FILES.workerJwks),
        `${JSON.stringify(worker.publicJwks)}\n`,
      );
      state.secrets.workerPrivateKey = JSON.stringify(worker.privateJwk);
      state.secrets.apiKeySigningKey = JSON.stringify(signing.privateJwk);
      return;
    }
    case "start-convex":
      run(step.command);
      await waitForBackend();
      return;
    case "generate-admin-key": {
      const output = run(step.command, { capture: true });
      const key = output.trim().split("\n").at(-1)?.trim() ?? "";
      if (!key.includes("|")) fail("generate_admin_key.sh printed no admin key.");
      writeSecret(SECRET_FILES.convexAdminKey, key);
      state.secrets.convexAdminKey = key;
      say(`admin key written to docker/secrets/${SECRET_FILES.convexAdminKey} (dashboard sign-in)`);
      return;
    }
    case "set-convex-env": {
      const cliEnv = convexCliEnv(state);
      const current = parseConvexEnvList(
        run(["bunx", "convex", "env", "list"], { env: cliEnv, capture: true }),
      );
      const wanted = wantedConvexEnv(state);
      for (const [name, value] of Object.entries(wanted)) {
        if (current[name] === value) continue;
        run(["bunx", "convex", "env", "set", name, value], { env: cliEnv, capture: true });
        say(`  ${name} set`);
      }
      return;
    }
    case "deploy-functions":
      run(step.command, { env: step.env });
      return;
    case "start-app":
      fixWorkerKeyAccess();
      run(step.command);
      return;
    case "bootstrap-admin": {
      const [bin, ...rest] = step.command;
      const result = spawnSync(bin as string, rest, {
        cwd: root,
        env: { ...process.env, ...step.env },
        encoding: "utf8",
      });
      if (result.status === 0) {
        say(`first admin: ${step.email}, API key in docker/secrets/${SECRET_FILES.adminApiKey}`);
      } else {
        say(
          `first admin not created yet (${(result.stderr || result.stdout).trim().split("\n").at(-1)}): ` +
            `sign in once at ${state.env.PUBLIC_APP_URL} as ${step.email}, then run this script again.`,
        );
      }
      return;
    }
  }
}

const state = loadState();
const plan = planDeploy(state, composeCommand());
if (dryRun) {
  say(`dry run (${mode}): nothing is changed`);
  for (const [i, step] of plan.entries()) say(`${i + 1}. ${describeStep(step)}`);
  process.exit(0);
}
for (const step of plan) await execute(step, state);
say("done. Check: docker compose -f docker/docker-compose.yml ps (every service healthy).");
