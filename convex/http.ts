// HTTP routes of the deployment (the `.convex.site` host, or the local runtime's site port).
// POST /auth/api-key/token with `X-Api-Key: nxr_…` → a 15-minute session token the CLI hands
// to the Convex clients. The key travels in a header, never as a function argument
// (arguments can be echoed in errors and logs); not in `Authorization: Bearer`, which Convex
// reads as a JWT for HTTP actions. Failures say nothing about why.
// GET /files/<token> → the file of a live download grant (files.bilanReportUrl,
// files.documentUrl), as an attachment (inline for an ARIA citation opened at its page,
// aria.citationUrl), never cached, no CORS; a generic 404 otherwise.
import { hashApiKey, looksLikeApiKey } from "@nexus/service-auth/api-keys";
import {
  API_KEY_ISSUER,
  API_KEY_TOKEN_TTL_S,
  parsePrivateJwk,
  signServiceToken,
} from "@nexus/service-auth/service-tokens";
import { httpRouter } from "convex/server";
import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";
import { GRANT_TOKEN, hashGrantToken } from "./model/files";
import {
  type ProviderEvent,
  paymentProvider,
  WebhookSignatureError,
} from "./model/paymentProvider";

const http = httpRouter();

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}

http.route({
  path: "/auth/api-key/token",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const signingKey = process.env.API_KEY_SIGNING_KEY;
    if (!signingKey) {
      return json(503, { error: "Les clés d'API ne sont pas configurées sur ce déploiement." });
    }
    const presented = request.headers.get("x-api-key")?.trim();
    const keyId =
      presented && looksLikeApiKey(presented)
        ? await ctx.runMutation(internal.apiKeys.exchange, { hash: await hashApiKey(presented) })
        : null;
    if (!keyId) return json(401, { error: "Clé d'API invalide, expirée ou révoquée." });
    const { token, expiresAt } = await signServiceToken({
      privateJwk: parsePrivateJwk(signingKey, "API_KEY_SIGNING_KEY"),
      issuer: API_KEY_ISSUER,
      subject: keyId,
      ttlSeconds: API_KEY_TOKEN_TTL_S,
    });
    return json(200, { token, expiresAt });
  }),
});

const FILE_NOT_FOUND = "Fichier introuvable ou lien expiré.";

function notFound(): Response {
  return new Response(FILE_NOT_FOUND, {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

http.route({
  pathPrefix: "/files/",
  method: "GET",
  handler: httpAction(async (ctx, request) => {
    const token = new URL(request.url).pathname.slice("/files/".length);
    if (!GRANT_TOKEN.test(token)) return notFound();
    const grant = await ctx.runQuery(internal.files.grantByHash, {
      tokenHash: await hashGrantToken(token),
    });
    if (!grant || grant.expiresAt <= Date.now()) return notFound();
    const blob = await ctx.storage.get(grant.storageId);
    if (!blob) return notFound();
    return new Response(blob, {
      status: 200,
      headers: {
        "content-type": grant.contentType,
        "content-length": String(blob.size),
        "content-disposition": `${grant.inline ? "inline" : "attachment"}; filename="${grant.filename}"`,
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
    });
  }),
});

// POST /payments/stripe/webhook: Stripe's events, signature checked with STRIPE_WEBHOOK_SECRET
// (400 otherwise, nothing applied); a replayed event is applied once (convex/checkout.ts),
// a refund (charge.refunded) included.
http.route({
  path: "/payments/stripe/webhook",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const provider = paymentProvider();
    if (!provider) return json(404, { error: "Paiement en ligne non configuré." });
    const body = await request.text();
    let event: ProviderEvent;
    try {
      event = await provider.verifyWebhook(body, request.headers.get("stripe-signature"));
    } catch (error) {
      if (error instanceof WebhookSignatureError)
        return json(400, { error: "Signature invalide." });
      throw error;
    }
    if (event.kind === "ignored") return json(200, { received: true });
    const { applied } = await ctx.runMutation(internal.checkout.applyEvent, event);
    return json(200, { received: true, applied });
  }),
});

export default http;
