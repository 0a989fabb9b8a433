import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EmailSendError, type OutgoingEmail } from "./email-sender";
import { isRetryableResendError, ResendSender } from "./resend-sender";
import { createEmailSenderFromEnv } from "./sender-from-env";
import { type FakeResend, startFakeResend } from "./testing/fake-resend-server";
import { samplePdf } from "./testing/sample-pdf";
import { unsubscribeHeaders, unsubscribeUrl } from "./unsubscribe";

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const FROM = "Nexus Réussite <bilans@nexus-reussite.fr>";
const sender = () => new ResendSender({ apiKey: "re_test_123", from: FROM, baseUrl: fake.url });

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  to: { email: "helene@example.fr" },
  subject: "Bilan de Mathématiques de Zoé Lefèvre-Garçon – Nexus Réussite",
  html: "<p>Bonjour, le bilan de Zoé est prêt.</p>",
  text: "Bonjour, le bilan de Zoé est prêt.",
  attachments: [{ filename: "bilan-zoe.pdf", content: samplePdf, contentType: "application/pdf" }],
  idempotencyKey: "bilan:b_1:v2:helene@example.fr",
  tags: [{ name: "template", value: "bilan" }],
  ...overrides,
});

describe("ResendSender against a local fake Resend API", () => {
  it("sends through the SDK with the PDF attached and the idempotency key", async () => {
    const result = await sender().send(email());
    expect(result).toEqual({ provider: "resend", providerId: "email_1", deduplicated: false });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/emails");
    expect(request!.headers.authorization).toBe("Bearer re_test_123");
    expect(request!.headers["idempotency-key"]).toBe("bilan:b_1:v2:helene@example.fr");
    expect(request!.body).toMatchObject({
      from: FROM,
      to: "helene@example.fr",
      subject: email().subject,
      html: email().html,
      text: email().text,
      tags: [{ name: "template", value: "bilan" }],
    });
    const [attachment] = request!.body.attachments;
    expect(attachment.filename).toBe("bilan-zoe.pdf");
    expect(attachment.content_type).toBe("application/pdf");
    expect(new Uint8Array(Buffer.from(attachment.content, "base64"))).toEqual(samplePdf);
  });

  it("does not call Resend again for a key that already got an id", async () => {
    const s = sender();
    const first = await s.send(email({ idempotencyKey: "k-retry" }));
    const retry = await s.send(email({ idempotencyKey: "k-retry" }));
    expect(retry).toEqual({ ...first, deduplicated: true });
    expect(fake.requests).toHaveLength(1);
  });

  it("sends the same Idempotency-Key from another process, and Resend returns the first email", async () => {
    const first = await sender().send(email({ idempotencyKey: "k-cross" }));
    const second = await sender().send(email({ idempotencyKey: "k-cross" }));
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["k-cross", "k-cross"]);
    expect(second.providerId).toBe(first.providerId);
  });

  it("refuses to reuse a key for a different message, without calling Resend", async () => {
    const s = sender();
    await s.send(email({ idempotencyKey: "k-reuse" }));
    const error = await s
      .send(email({ idempotencyKey: "k-reuse", to: { email: "autre@example.fr" } }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(false);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    [429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" }, true],
    [500, "upstream exploded", true],
    [503, { statusCode: 503, name: "internal_server_error", message: "Unavailable" }, true],
    [
      409,
      { statusCode: 409, name: "concurrent_idempotent_requests", message: "In progress" },
      true,
    ],
    [422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field" }, false],
    [403, { statusCode: 403, name: "invalid_from_address", message: "Domain not verified" }, false],
  ])("maps HTTP %i to retryable=%s", async (status, body, retryable) => {
    fake.failNext({ status, body });
    const error = await sender()
      .send(email({ idempotencyKey: `k-${status}` }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(retryable);
    expect(error.details.status).toBe(status);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it("succeeds on a retry after a 429, still under the same key", async () => {
    fake.failNext({
      status: 429,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "Slow down" },
    });
    const s = sender();
    await expect(s.send(email({ idempotencyKey: "k-429" }))).rejects.toMatchObject({
      retryable: true,
    });
    const result = await s.send(email({ idempotencyKey: "k-429" }));
    expect(result.deduplicated).toBe(false);
    expect(fake.requests.map((r) => r.headers["idempotency-key"])).toEqual(["k-429", "k-429"]);
  });

  it("treats a network failure as retryable", async () => {
    const down = await startFakeResend();
    const url = down.url;
    await down.close();
    const error = await new ResendSender({ apiKey: "re_x", from: FROM, baseUrl: url })
      .send(email())
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(true);
    expect(error.details.status).toBeUndefined();
  });

  it("validates the email before calling Resend", async () => {
    const error = await sender()
      .send(
        email({
          attachments: [
            { filename: "vide.pdf", content: new Uint8Array(), contentType: "application/pdf" },
          ],
        }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(EmailSendError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("pièce jointe vide");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("createEmailSenderFromEnv with RESEND_BASE_URL", () => {
  it("sends to the configured base URL", async () => {
    const s = createEmailSenderFromEnv({
      RESEND_API_KEY: "re_env_key",
      RESEND_BASE_URL: fake.url,
      EMAIL_FROM: "Centre Test <test@nexus-reussite.fr>",
    });
    expect(s.provider).toBe("resend");
    await s.send(email({ idempotencyKey: "k-env" }));
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe("Bearer re_env_key");
    expect(fake.requests[0]!.body.from).toBe("Centre Test <test@nexus-reussite.fr>");
  });
});

describe("isRetryableResendError", () => {
  it.each([
    [null, "application_error", true],
    [429, "rate_limit_exceeded", true],
    [502, "application_error", true],
    [409, "invalid_idempotent_request", false],
    [400, "invalid_idempotency_key", false],
    [401, "missing_api_key", false],
  ])("status %s %s → %s", (statusCode, name, expected) => {
    expect(isRetryableResendError({ statusCode, name, message: "" })).toBe(expected);
  });
});

describe("ResendSender and unsubscribe headers", () => {
  it("passes a reminder's List-Unsubscribe headers through the SDK", async () => {
    const url = unsubscribeUrl("https://app.nexus-reussite.fr", "u1.session.sig");
    await sender().send(
      email({
        idempotencyKey: "session.remind24h:s1:1:helene@example.fr",
        headers: unsubscribeHeaders(url),
      }),
    );
    expect(fake.requests[0]!.body.headers).toEqual({
      "List-Unsubscribe": "<https://app.nexus-reussite.fr/desabonnement/u1.session.sig>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
  });
});
