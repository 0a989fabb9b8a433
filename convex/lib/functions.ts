// The only module that uses the raw builders from _generated/server (besides health.ts).
// - userQuery/userMutation/userAction: a person with a users row, signed in to the web app or
//   calling from the CLI with one of their API keys. `ctx.user` is the row; `ctx.actor` says
//   which (the API key is attributed in the audit log).
// - staffQuery/staffMutation/staffAction: the same, for admin and assistante only.
// - identityQuery/identityMutation: a signed-in person whose users row may not exist yet
//   (users.me, users.ensureCurrent). `ctx.identity` is the verified JWT identity.
// - workerQuery/workerMutation/workerAction: the worker, signed in with its own service
//   token (never a secret in the arguments). `ctx.worker.workerId` names it.
// Actions cannot read the database, so their checks run in an internal query.

import {
  customAction,
  customCtx,
  customMutation,
  customQuery,
} from "convex-helpers/server/customFunctions";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import { type ActionCtx, action, mutation, type QueryCtx, query } from "../_generated/server";
import { requireIdentity, requireStaff, requireUser, type User } from "../model/access";
import { currentApiKeyId, requireWorker } from "../model/identity";

export interface Actor {
  user: User;
  /** Set when the person calls through the CLI with an API key. */
  apiKeyId?: Id<"apiKeys">;
}

async function actorOf(ctx: QueryCtx, staffOnly: boolean): Promise<Actor & { user: User }> {
  const user = await requireUser(ctx);
  if (staffOnly) requireStaff(user);
  return { user, apiKeyId: await currentApiKeyId(ctx) };
}

const asUser = customCtx(async (ctx: QueryCtx) => {
  const actor = await actorOf(ctx, false);
  return { user: actor.user, actor };
});

const asStaff = customCtx(async (ctx: QueryCtx) => {
  const actor = await actorOf(ctx, true);
  return { user: actor.user, actor };
});

async function actionActor(ctx: ActionCtx, staffOnly: boolean): Promise<Actor> {
  return await ctx.runQuery(internal.callers.actor, { staffOnly });
}

export const userQuery = customQuery(query, asUser);
export const userMutation = customMutation(mutation, asUser);
export const userAction = customAction(
  action,
  customCtx(async (ctx) => {
    const actor = await actionActor(ctx, false);
    return { user: actor.user, actor };
  }),
);

export const staffQuery = customQuery(query, asStaff);
export const staffMutation = customMutation(mutation, asStaff);
export const staffAction = customAction(
  action,
  customCtx(async (ctx) => {
    const actor = await actionActor(ctx, true);
    return { user: actor.user, actor };
  }),
);

export const identityQuery = customQuery(
  query,
  customCtx(async (ctx) => ({ identity: await requireIdentity(ctx) })),
);

export const identityMutation = customMutation(
  mutation,
  customCtx(async (ctx) => ({ identity: await requireIdentity(ctx) })),
);

const asWorker = customCtx(async (ctx: QueryCtx) => ({ worker: await requireWorker(ctx) }));

export const workerQuery = customQuery(query, asWorker);
export const workerMutation = customMutation(mutation, asWorker);
export const workerAction = customAction(
  action,
  customCtx(
    async (ctx): Promise<{ worker: { workerId: string } }> => ({
      worker: await ctx.runQuery(internal.callers.worker, {}),
    }),
  ),
);
