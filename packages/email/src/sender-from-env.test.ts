import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { OutboxSender } from "./outbox-sender";
import { ResendSender } from "./resend-sender";
import { createEmailSenderFromEnv, DEFAULT_EMAIL_FROM, parseEmailEnv } from "./sender-from-env";

describe("createEmailSenderFromEnv", () => {
  it("uses the local outbox when RESEND_API_KEY is absent or empty", () => {
    for (const env of [{}, { RESEND_API_KEY: "" }, { RESEND_API_KEY: "   " }]) {
      const sender = createEmailSenderFromEnv(env);
      expect(sender).toBeInstanceOf(OutboxSender);
      expect((sender as OutboxSender).dir).toBe(resolve(".data/outbox"));
    }
  });

  it("uses Resend when RESEND_API_KEY is set, with the official API by default", () => {
    const sender = createEmailSenderFromEnv({ RESEND_API_KEY: "re_123" });
    expect(sender).toBeInstanceOf(ResendSender);
    expect((sender as ResendSender).baseUrl).toBe("https://api.resend.com");
  });

  it("honours EMAIL_OUTBOX_DIR and defaults EMAIL_FROM", () => {
    const config = parseEmailEnv({ EMAIL_OUTBOX_DIR: "/tmp/outbox-x" });
    expect(config.EMAIL_FROM).toBe(DEFAULT_EMAIL_FROM);
    expect(DEFAULT_EMAIL_FROM).toBe("Nexus Réussite <bilans@nexus-reussite.fr>");
    const sender = createEmailSenderFromEnv({ EMAIL_OUTBOX_DIR: "/tmp/outbox-x" });
    expect((sender as OutboxSender).dir).toBe("/tmp/outbox-x");
  });

  it.each([
    [{ EMAIL_FROM: "pas une adresse" }, "EMAIL_FROM"],
    [{ EMAIL_FROM: "Nexus <nexus@>" }, "EMAIL_FROM"],
    [{ RESEND_API_KEY: "re_1", RESEND_BASE_URL: "not a url" }, "RESEND_BASE_URL"],
    [{ RESEND_BASE_URL: "ftp://example.com" }, "RESEND_BASE_URL"],
  ])("rejects %o with a clear error naming the variable", (env, variable) => {
    expect(() => createEmailSenderFromEnv(env)).toThrow(/^Configuration de l'e-mail invalide/);
    expect(() => createEmailSenderFromEnv(env)).toThrow(variable);
  });
});
