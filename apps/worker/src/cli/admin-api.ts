// The CLI's calls to Convex: the same staff functions as the web app, signed in as the
// person who owns NEXUS_API_KEY (a 15-minute session token from the key, renewed as
// needed), over HTTP, plus one live subscription (WebSocket) to follow document ingestion.

import type { Subject } from "@nexus/shared/domain";
import type { JobKind } from "@nexus/shared/jobs";
import { ConvexClient, type ConvexClientOptions, ConvexHttpClient } from "convex/browser";
import type { FunctionArgs, FunctionReference, FunctionReturnType } from "convex/server";
import { api } from "../../../../convex/_generated/api.js";
import type { Id } from "../../../../convex/_generated/dataModel.js";
import type { TokenSource } from "../auth/credentials.ts";

export type AdminApi = ReturnType<typeof createAdminApi>;

/** A person for the rgpd commands: an account, or a student record (--eleve). */
export type RgpdSubject = { userId: string } | { studentId: string };

function subjectArgs(subject: RgpdSubject) {
  return "userId" in subject
    ? { userId: subject.userId as Id<"users"> }
    : { studentId: subject.studentId as Id<"students"> };
}

export function createAdminApi(
  convexUrl: string,
  tokens: TokenSource,
  liveOptions: Pick<ConvexClientOptions, "logger"> = {},
) {
  const client = new ConvexHttpClient(convexUrl);
  const signedIn = async () => {
    client.setAuth(await tokens());
    return client;
  };
  const query = async <Q extends FunctionReference<"query">>(
    ref: Q,
    args: FunctionArgs<Q>,
  ): Promise<FunctionReturnType<Q>> => (await signedIn()).query(ref, args);
  const mutation = async <M extends FunctionReference<"mutation">>(
    ref: M,
    args: FunctionArgs<M>,
  ): Promise<FunctionReturnType<M>> => (await signedIn()).mutation(ref, args);
  const action = async <A extends FunctionReference<"action">>(
    ref: A,
    args: FunctionArgs<A>,
  ): Promise<FunctionReturnType<A>> => (await signedIn()).action(ref, args);
  return {
    me: () => query(api.users.me, {}),
    listJobs: (args: FunctionArgs<typeof api.jobs.list>) => query(api.jobs.list, args),
    getJob: (jobId: string) => query(api.jobs.get, { jobId }),
    enqueue: (args: FunctionArgs<typeof api.jobs.enqueue>) => mutation(api.jobs.enqueue, args),
    retry: (jobId: string) => mutation(api.jobs.retry, { jobId }),
    cancel: (jobId: string) => mutation(api.jobs.cancel, { jobId }),
    reprocess: (target: "bilan" | "document", id: string) =>
      mutation(api.jobs.reprocess, { target, id }),
    stats: (now: number) => query(api.jobs.stats, { now }),
    workers: () => query(api.workers.list, {}),
    alerts: () => query(api.alerts.list, {}),
    generateUploadUrl: () => mutation(api.documents.generateUploadUrl, {}),
    addDocument: (args: FunctionArgs<typeof api.documents.create>) =>
      action(api.documents.create, args),
    listDocuments: (limit?: number) => query(api.documents.list, { limit }),
    documentStatus: (documentIds: string[]) =>
      query(api.documents.statuses, { documentIds: documentIds as Id<"documents">[] }),
    removeDocument: (documentId: string) =>
      mutation(api.documents.remove, { documentId: documentId as Id<"documents"> }),
    search: (args: { query: string; studentId?: string; subject?: Subject; limit?: number }) =>
      action(api.knowledge.search, {
        ...args,
        studentId: args.studentId as Id<"students"> | undefined,
      }),
    createKey: (args: FunctionArgs<typeof api.apiKeys.create>) =>
      mutation(api.apiKeys.create, args),
    listKeys: (userId?: string) =>
      query(api.apiKeys.list, { userId: userId as Id<"users"> | undefined }),
    listEmails: (status?: "unconfirmed") => query(api.emails.list, { status }),
    consistencyPage: (
      part: FunctionArgs<typeof api.consistency.checkPage>["part"],
      cursor: string | null,
    ) => query(api.consistency.checkPage, { part, cursor }),
    confirmEmail: (emailId: string, delivered: boolean) =>
      mutation(api.emails.confirm, { emailId: emailId as Id<"emails">, delivered }),
    revokeKey: (keyId: string) => mutation(api.apiKeys.revoke, { keyId: keyId as Id<"apiKeys"> }),
    pauses: () => query(api.jobs.pauses, {}),
    pause: (kind: JobKind, reason?: string) => mutation(api.jobs.pause, { kind, reason }),
    resume: (kind: JobKind) => mutation(api.jobs.resume, { kind }),
    listStudents: (cursor: string | null, numItems: number) =>
      query(api.students.listMine, { paginationOpts: { cursor, numItems } }),
    searchStudents: (text: string) => query(api.students.search, { text }),
    getStudent: (studentId: string) =>
      query(api.students.get, { studentId: studentId as Id<"students"> }),
    studentRelations: (studentId: string) =>
      query(api.students.relations, { studentId: studentId as Id<"students"> }),
    studentBilans: (studentId: string, numItems: number) =>
      query(api.bilans.listForStudent, {
        studentId: studentId as Id<"students">,
        paginationOpts: { cursor: null, numItems },
      }),
    studentDocuments: (studentId: string, limit: number) =>
      query(api.documents.list, { studentId: studentId as Id<"students">, limit }),
    studentEmails: (studentId: string) =>
      query(api.emails.forStudent, { studentId: studentId as Id<"students"> }),
    listBilans: (args: FunctionArgs<typeof api.operator.listBilans>) =>
      query(api.operator.listBilans, args),
    bilanDetail: (bilanId: string) => query(api.operator.bilanDetail, { bilanId }),
    rgpd: {
      planFor: (subject: RgpdSubject) => query(api.rgpd.planFor, subjectArgs(subject)),
      requestErasure: (subject: RgpdSubject) =>
        mutation(api.rgpd.requestErasure, subjectArgs(subject)),
      requestExport: (subject: RgpdSubject) =>
        mutation(api.rgpd.requestExport, subjectArgs(subject)),
      confirmErasure: (requestId: string) =>
        mutation(api.rgpd.confirmErasure, { requestId: requestId as Id<"rgpdRequests"> }),
      erasurePlan: (requestId: string) =>
        query(api.rgpd.erasurePlan, { requestId: requestId as Id<"rgpdRequests"> }),
      myRequests: () => query(api.rgpd.myRequests, {}),
      exportUrl: (requestId: string) =>
        action(api.rgpd.exportUrl, { requestId: requestId as Id<"rgpdRequests"> }),
      retentionOverview: (now: number) => query(api.retention.overview, { now }),
      retentionRun: () => mutation(api.retention.run, {}),
    },
    /** Calls `onUpdate` with the newest jobs matching the filter now and after every change. */
    watchJobs(
      args: FunctionArgs<typeof api.jobs.list>,
      onUpdate: (jobs: JobView[]) => void,
      onError: (error: Error) => void,
    ): () => Promise<void> {
      const live = new ConvexClient(convexUrl, { unsavedChangesWarning: false, ...liveOptions });
      live.setAuth(tokens);
      const unsubscribe = live.onUpdate(
        api.jobs.list,
        args,
        (page) => onUpdate(page.page),
        onError,
      );
      return async () => {
        unsubscribe();
        await live.close();
      };
    },
    /** Calls `onUpdate` with the documents' statuses now and after every change, until the returned function is called. */
    watchDocuments(
      documentIds: string[],
      onUpdate: (statuses: DocumentStatus[]) => void,
      onError: (error: Error) => void,
    ): () => Promise<void> {
      const live = new ConvexClient(convexUrl, { unsavedChangesWarning: false, ...liveOptions });
      live.setAuth(tokens);
      const unsubscribe = live.onUpdate(
        api.documents.statuses,
        { documentIds: documentIds as Id<"documents">[] },
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

export type DocumentStatus = FunctionReturnType<typeof api.documents.statuses>[number];
export type DocumentRow = FunctionReturnType<typeof api.documents.list>[number];
export type SearchHit = FunctionReturnType<typeof api.knowledge.search>[number];

export type JobView = FunctionReturnType<typeof api.jobs.get>["job"];
export type JobEvent = FunctionReturnType<typeof api.jobs.get>["events"][number];
