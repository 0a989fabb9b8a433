// The only module that uses the raw builders from _generated/server (besides health.ts).
// - userQuery/userMutation: the caller must be signed in with a users row; `ctx.user` is it.
// - identityQuery/identityMutation: the caller must be signed in; a users row may not
//   exist yet (users.me, users.ensureCurrent). `ctx.identity` is the verified JWT identity.
// - workerQuery/workerMutation: the caller must pass `workerSecret` equal to the
//   WORKER_SECRET environment variable of the deployment (the worker and the CLI).

import { v } from "convex/values";
import {
  customAction,
  customCtx,
  customMutation,
  customQuery,
} from "convex-helpers/server/customFunctions";
import { action, mutation, query } from "../_generated/server";
import { requireIdentity, requireUser } from "../model/access";
import { appError } from "./errors";

export const userQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ user: await requireUser(ctx) })),
);

export const userMutation = customMutation(
  mutation,
  customCtx(async (ctx) => ({ user: await requireUser(ctx) })),
);

export const identityQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ identity: await requireIdentity(ctx) })),
);

export const identityMutation = customMutation(
  mutation,
  customCtx(async (ctx) => ({ identity: await requireIdentity(ctx) })),
);

/** Compares without an early exit so response time does not leak the secret's prefix. */
function secretsEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}

export function requireWorkerSecret(provided: string): void {
  const expected = process.env.WORKER_SECRET;
  if (!expected) {
    throw appError("WORKER_AUTH", "WORKER_SECRET n'est pas configuré sur ce déploiement Convex.");
  }
  if (!secretsEqual(provided, expected)) {
    throw appError("WORKER_AUTH", "Secret du worker invalide : appel refusé.");
  }
}

const workerCustomization = {
  args: { workerSecret: v.string() },
  input: async (_ctx: unknown, args: { workerSecret: string }) => {
    requireWorkerSecret(args.workerSecret);
    return { ctx: {}, args: {} };
  },
};

export const workerQuery = customQuery(query, workerCustomization);
export const workerMutation = customMutation(mutation, workerCustomization);
export const workerAction = customAction(action, workerCustomization);
