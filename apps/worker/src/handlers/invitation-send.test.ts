// The invitation.send handler with a fake Convex and a fake sender: the token is drawn at send
// time, only its hash reaches Convex, the e-mail's link carries the token, and the outcome is
// recorded (sent, or failed and retried).
import type { EmailSender, OutgoingEmail } from "@nexus/email/email-sender";
import { EmailSendError } from "@nexus/email/email-sender";
import { getFunctionName } from "convex/server";
import { describe, expect, it } from "vitest";
import { NonRetryableError } from "../errors.ts";
import type { JobHelpers, WorkerConvex } from "../handler.ts";
import { createLogger } from "../logger.ts";
import type { PipelineServices } from "../pipeline/services.ts";
import { invitationSendHandler, sha256Hex } from "./invitation-send.ts";

const CONTEXT = {
  send: true as const,
  to: "nouveau.parent@test.fr",
  role: "parent" as const,
  inviterName: "Nadia Benali",
  studentNames: [{ firstName: "Théo", lastName: "Lambert" }],
  expiresAt: Date.UTC(2026, 11, 7, 14, 30),
};

function setup(options: { context?: unknown; fail?: EmailSendError | Error } = {}) {
  const calls: { name: string; args: Record<string, unknown> }[] = [];
  const sent: OutgoingEmail[] = [];
  const convex = {
    async query(ref: never, args: Record<string, unknown>) {
      calls.push({ name: getFunctionName(ref), args });
      return options.context ?? CONTEXT;
    },
    async mutation(ref: never, args: Record<string, unknown>) {
      const name = getFunctionName(ref);
      calls.push({ name, args });
      if (name === "invitations:beginSend") {
        return { send: true, emailId: "email1", expiresAt: CONTEXT.expiresAt };
      }
      return null;
    },
    async action() {
      throw new Error("no action");
    },
  } as unknown as WorkerConvex;
  const sender: EmailSender = {
    provider: "outbox",
    async send(email) {
      if (options.fail) throw options.fail;
      sent.push(email);
      return {
        provider: "outbox",
        providerId: "id1",
        outboxPath: "/tmp/x.eml",
        deduplicated: false,
      };
    },
  };
  const services = {
    appUrl: "https://app.test",
    emailSender: async () => sender,
  } as unknown as PipelineServices;
  const helpers = {
    job: { id: "j1", kind: "invitation.send", attempt: 1, maxAttempts: 5, createdAt: 0 },
    signal: new AbortController().signal,
    log: createLogger({ level: "error" }),
    progress: () => {},
    convex,
  } as JobHelpers;
  const handler = invitationSendHandler(services);
  const run = () => handler.run({ invitationId: "inv1", generation: 2 }, helpers);
  return { calls, sent, run };
}

describe("invitation.send", () => {
  it("draws the token at send time: the link carries it, Convex gets only its hash", async () => {
    const { calls, sent, run } = setup();
    expect(await run()).toEqual({ sent: true, provider: "outbox" });
    expect(sent).toHaveLength(1);
    const link = /https:\/\/app\.test\/invitation\/([A-Za-z0-9_-]{43})/.exec(sent[0]!.text);
    expect(link).not.toBeNull();
    const token = link![1]!;
    expect(sent[0]!.html).toContain(`href="https://app.test/invitation/${token}"`);
    expect(sent[0]!.to).toEqual({ email: "nouveau.parent@test.fr" });
    expect(sent[0]!.subject).toBe("Invitation à suivre les bilans de Théo – Nexus Réussite");

    const begin = calls.find((c) => c.name === "invitations:beginSend")!;
    expect(begin.args).toMatchObject({ invitationId: "inv1", generation: 2 });
    expect(begin.args.tokenHash).toBe(await sha256Hex(token));
    // No call to Convex ever carries the token itself.
    expect(JSON.stringify(calls)).not.toContain(token);
    expect(calls.at(-1)).toEqual({
      name: "invitations:finishSend",
      args: {
        invitationId: "inv1",
        generation: 2,
        emailId: "email1",
        status: "sent",
        provider: "outbox",
        providerId: "id1",
        outboxPath: "/tmp/x.eml",
      },
    });
  });

  it("draws a new token on every attempt", async () => {
    const first = setup();
    const second = setup();
    await first.run();
    await second.run();
    expect(first.sent[0]!.text).not.toBe(second.sent[0]!.text);
  });

  it("sends nothing when Convex says there is nothing to send", async () => {
    const { calls, sent, run } = setup({ context: { send: false, reason: "invitation révoquée" } });
    expect(await run()).toEqual({ skipped: "invitation révoquée" });
    expect(sent).toEqual([]);
    expect(calls.map((c) => c.name)).toEqual(["invitations:sendContext"]);
  });

  it("records a failure and lets a retryable one be retried, a permanent one fail", async () => {
    const retryable = setup({
      fail: new EmailSendError("Resend indisponible", { provider: "resend", retryable: true }),
    });
    const error = (await retryable.run().catch((e: unknown) => e)) as Error;
    expect(error).not.toBeInstanceOf(NonRetryableError);
    expect(String(error.message)).toContain("Resend indisponible");
    expect(retryable.calls.at(-1)).toMatchObject({
      name: "invitations:finishSend",
      args: { status: "failed", error: "Resend indisponible" },
    });

    const permanent = setup({
      fail: new EmailSendError("adresse refusée", { provider: "resend", retryable: false }),
    });
    expect(await permanent.run().catch((e) => e)).toBeInstanceOf(NonRetryableError);
  });
});
