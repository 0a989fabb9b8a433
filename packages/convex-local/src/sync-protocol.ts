// Wire shapes of the Convex sync protocol (convex/browser/sync/protocol) and
// their validation: what the official clients send over /api/<version>/sync.
import { z } from "zod";

const jsonValue: z.ZodType<unknown> = z.unknown();

const addQuery = z.object({
  type: z.literal("Add"),
  queryId: z.number().int().nonnegative(),
  udfPath: z.string(),
  args: z.array(jsonValue),
  journal: z.string().nullable().optional(),
  componentPath: z.string().optional(),
});

const removeQuery = z.object({
  type: z.literal("Remove"),
  queryId: z.number().int().nonnegative(),
});

export const clientMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("Connect"),
    sessionId: z.string(),
    connectionCount: z.number(),
    lastCloseReason: z.string().nullable(),
    maxObservedTimestamp: z.string().optional(),
    clientTs: z.number().optional(),
  }),
  z.object({
    type: z.literal("ModifyQuerySet"),
    baseVersion: z.number().int(),
    newVersion: z.number().int(),
    modifications: z.array(z.discriminatedUnion("type", [addQuery, removeQuery])),
  }),
  z.object({
    type: z.literal("Mutation"),
    requestId: z.number(),
    udfPath: z.string(),
    args: z.array(jsonValue),
    componentPath: z.string().optional(),
  }),
  z.object({
    type: z.literal("Action"),
    requestId: z.number(),
    udfPath: z.string(),
    args: z.array(jsonValue),
    componentPath: z.string().optional(),
  }),
  z.object({
    type: z.literal("Authenticate"),
    tokenType: z.enum(["User", "Admin", "None"]),
    value: z.string().optional(),
    baseVersion: z.number().int(),
    impersonating: z.unknown().optional(),
  }),
  z.object({ type: z.literal("Event"), eventType: z.string(), event: z.unknown() }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type AddQuery = z.infer<typeof addQuery>;
export type QuerySetModification = Extract<ClientMessage, { type: "ModifyQuerySet" }>;

/** Timestamps travel as base64 of the little-endian u64 (Long.toBytesLE). */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

export function decodeTs(encoded: string): bigint {
  return Buffer.from(encoded, "base64").readBigUInt64LE();
}

export interface StateVersion {
  querySet: number;
  identity: number;
  ts: bigint;
}

export function encodeVersion(version: StateVersion) {
  return { querySet: version.querySet, identity: version.identity, ts: encodeTs(version.ts) };
}

export type StateModification =
  | {
      type: "QueryUpdated";
      queryId: number;
      value: unknown;
      logLines: string[];
      journal: string | null;
    }
  | {
      type: "QueryFailed";
      queryId: number;
      errorMessage: string;
      logLines: string[];
      errorData?: unknown;
      journal: string | null;
    }
  | { type: "QueryRemoved"; queryId: number };
