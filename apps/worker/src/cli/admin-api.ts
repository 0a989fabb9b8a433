// The CLI's calls to Convex: the admin* worker-secret functions over HTTP, and one live
// subscription (WebSocket) to follow document ingestion.

import type { Subject } from "@nexus/shared/domain";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import { api } from "../../../../convex/_generated/api.js";
import type { Id } from "../../../../convex/_generated/dataModel.js";

export type AdminApi = ReturnType<typeof createAdminApi>;

export function createAdminApi(convexUrl: string, workerSecret: string) {
  const client = new ConvexHttpClient(convexUrl);
  const query = <Q extends FunctionReference<"query">>(
    ref: Q,
    args: Omit<FunctionArgs<Q>, "workerSecret">,
  ): Promise<FunctionReturnType<Q>> => client.query(ref, { ...args, workerSecret } as any);
  const mutation = <M extends FunctionReference<"mutation">>(
    ref: M,
    args: Omit<FunctionArgs<M>, "workerSecret">,
  ): Promise<FunctionReturnType<M>> => client.mutation(ref, { ...args, workerSecret } as any);
  const action = <A extends FunctionReference<"action">>(
    ref: A,
    args: Omit<FunctionArgs<A>, "workerSecret">,
  ): Promise<FunctionReturnType<A>> => client.action(ref, { ...args, workerSecret } as any);
  return {
    listJobs: (args: Omit<FunctionArgs<typeof api.jobs.adminList>, "workerSecret">) =>
      query(api.jobs.adminList, args),
    getJob: (jobId: string) => query(api.jobs.adminGet, { jobId }),
    enqueue: (args: Omit<FunctionArgs<typeof api.jobs.adminEnqueue>, "workerSecret">) =>
      mutation(api.jobs.adminEnqueue, args),
    retry: (jobId: string, actor: string) => mutation(api.jobs.adminRetry, { jobId, actor }),
    cancel: (jobId: string, actor: string) => mutation(api.jobs.adminCancel, { jobId, actor }),
    reprocess: (target: "bilan" | "document", id: string) =>
      mutation(api.jobs.adminReprocess, { target, id }),
    stats: (now: number) => query(api.jobs.adminStats, { now }),
    workers: () => query(api.workers.adminList, {}),
    alerts: () => query(api.alerts.adminList, {}),
    generateUploadUrl: () => mutation(api.ingestion.generateUploadUrl, {}),
    addDocument: (args: Omit<FunctionArgs<typeof api.ingestion.addDocument>, "workerSecret">) =>
      action(api.ingestion.addDocument, args),
    listDocuments: (limit?: number) => query(api.ingestion.list, { limit }),
    documentStatus: (documentIds: string[]) =>
      query(api.ingestion.status, { documentIds: documentIds as Id<"documents">[] }),
    removeDocument: (documentId: string) =>
      mutation(api.ingestion.removeDocument, { documentId: documentId as Id<"documents"> }),
    search: (args: { query: string; studentId?: string; subject?: Subject; limit?: number }) =>
      action(api.knowledge.searchAsStaff, {
        ...args,
        studentId: args.studentId as Id<"students"> | undefined,
      }),
    /** Calls `onUpdate` with the documents' statuses now and after every change, until the returned function is called. */
    watchDocuments(
      documentIds: string[],
      onUpdate: (statuses: DocumentStatus[]) => void,
      onError: (error: Error) => void,
    ): () => Promise<void> {
      const live = new ConvexClient(convexUrl, { unsavedChangesWarning: false });
      const unsubscribe = live.onUpdate(
        api.ingestion.status,
        { documentIds: documentIds as Id<"documents">[], workerSecret },
        onUpdate,
        onError,
      );
      return async () => {
        unsubscribe();
        await live.close();
      };
    },
  };
}

export type DocumentStatus = FunctionReturnType<typeof api.ingestion.status>[number];
export type DocumentRow = FunctionReturnType<typeof api.ingestion.list>[number];
export type SearchHit = FunctionReturnType<typeof api.knowledge.searchAsStaff>[number];

export type JobView = FunctionReturnType<typeof api.jobs.adminGet>["job"];
export type JobEvent = FunctionReturnType<typeof api.jobs.adminGet>["events"][number];
