// The rgpd jobs in the worker: the erasure handler runs against the real Convex functions
// (convex-test) and deletes the Clerk user through Clerk's SDK pointed at a local fake API
// (CLERK_API_URL); the export archive is a ZIP whose JSON files parse and whose files are
// byte-identical to what was put in.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../../../../convex/_generated/api";
import { as, freshWorld } from "../../../../convex/world.fixtures";
import { workerConvexOf } from "../convex-test.test-helpers.ts";
import type { JobHelpers } from "../handler.ts";
import { rgpdEraseHandler } from "../handlers/rgpd-erase.ts";
import { createLogger } from "../logger.ts";
import { clerkDeletionFromEnv } from "./clerk-users.ts";
import { buildExportZip, safeName } from "./export-archive.ts";

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
}

async function fakeClerk(status = 200) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(
      status === 200
        ? JSON.stringify({ object: "user", id: req.url!.split("/").pop(), deleted: true })
        : JSON.stringify({ errors: [{ code: "resource_not_found", message: "not found" }] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function helpers(t: Parameters<typeof workerConvexOf>[0]): JobHelpers {
  return {
    job: { id: "j1", kind: "rgpd.erase", attempt: 1, maxAttempts: 3, createdAt: 0 },
    signal: new AbortController().signal,
    log: createLogger({ level: "error" }),
    progress: () => {},
    convex: workerConvexOf(t),
  };
}

beforeEach(() => vi.stubEnv("CONVEX_SITE_URL", "https://rgpd-worker.convex.site"));
afterEach(() => vi.unstubAllEnvs());

describe("rgpd.erase handler", () => {
  it("erases in batches, deletes the Clerk user through the SDK, and closes the request", async () => {
    const clerk = await fakeClerk();
    try {
      const { t, world } = await freshWorld();
      // The élève signed in through Clerk: their token identifier's subject is a Clerk user id.
      await t.run((ctx) =>
        ctx.db.patch(world.users.eleve, { tokenIdentifier: "https://clerk.test|user_2abcDEF" }),
      );
      const requestId = await as(t, "parent").mutation(api.rgpd.requestErasure, {
        studentId: world.students.own,
      });
      await as(t, "admin").mutation(api.rgpd.confirmErasure, { requestId });
      const handler = rgpdEraseHandler(
        clerkDeletionFromEnv({ CLERK_SECRET_KEY: "sk_test_fake", CLERK_API_URL: clerk.url }),
      );
      const result = (await handler.run({ requestId }, helpers(t))) as { clerk: string };
      expect(result).toMatchObject({ clerk: "Utilisateur Clerk user_2abcDEF supprimé." });
      expect(clerk.seen).toEqual([
        { method: "DELETE", url: "/v1/users/user_2abcDEF", auth: "Bearer sk_test_fake" },
      ]);
      const request = await t.run((ctx) => ctx.db.get(requestId));
      expect(request).toMatchObject({ status: "done", clerk: result.clerk });
      expect(await t.run((ctx) => ctx.db.get(world.users.eleve))).toBeNull();
      expect(await t.run((ctx) => ctx.db.get(world.students.own))).toBeNull();
      expect(await t.run((ctx) => ctx.db.get(world.students.foreign))).not.toBeNull();
      // A retried job after success does nothing more (not even a second Clerk call).
      expect(await handler.run({ requestId }, helpers(t))).toEqual({ skipped: "déjà effacé" });
      expect(clerk.seen).toHaveLength(1);
    } finally {
      await clerk.close();
    }
  });

  it("counts a Clerk user already deleted (404) as done, and does nothing without Clerk", async () => {
    const clerk = await fakeClerk(404);
    try {
      const deletion = clerkDeletionFromEnv({
        CLERK_SECRET_KEY: "sk_test_fake",
        CLERK_API_URL: clerk.url,
      });
      expect(await deletion("user_gone")).toBe("Utilisateur Clerk user_gone déjà supprimé.");
      expect(await deletion("dev|eleve@test.fr")).toBe(
        "Aucun utilisateur Clerk associé à ce compte.",
      );
      expect(await clerkDeletionFromEnv({})("user_x")).toMatch(/Clerk non configuré/);
      expect(clerk.seen).toHaveLength(1);
    } finally {
      await clerk.close();
    }
  });
});

describe("export archive", () => {
  it("holds one parseable JSON per table, the schema, the files as given, and a French README", () => {
    const pdf = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");
    const zip = buildExportZip({
      subjectLabel: "Alice Martin (élève)",
      requestedAt: new Date(Date.UTC(2026, 11, 1, 8)),
      generatedAt: new Date(Date.UTC(2026, 11, 1, 8, 5)),
      tables: [
        {
          table: "bilans",
          label: "Bilans",
          description: "d",
          rows: [{ _id: "b1", subject: "maths" }],
        },
        {
          table: "users",
          label: "Compte",
          description: "d",
          rows: [{ _id: "u1", email: "a@test.fr" }],
        },
      ],
      files: [
        { path: `fichiers/bilans/${safeName("rapport-maths-b1.pdf")}`, bytes: pdf },
        { path: "fichiers/bilans/rapport-maths-b1.pdf", bytes: pdf },
      ],
    });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual([
      "LISEZMOI.txt",
      "donnees/bilans.json",
      "donnees/users.json",
      "fichiers/bilans/rapport-maths-b1-2.pdf",
      "fichiers/bilans/rapport-maths-b1.pdf",
      "schema.json",
    ]);
    expect(JSON.parse(strFromU8(files["donnees/bilans.json"]!))).toEqual([
      { _id: "b1", subject: "maths" },
    ]);
    expect(JSON.parse(strFromU8(files["schema.json"]!))[0]).toMatchObject({
      table: "bilans",
      fields: ["_id", "subject"],
      rows: 1,
    });
    expect(files["fichiers/bilans/rapport-maths-b1.pdf"]).toEqual(pdf);
    const readme = strFromU8(files["LISEZMOI.txt"]!);
    expect(readme).toContain("Personne concernée : Alice Martin (élève)");
    expect(readme).toContain("bilans.json — Bilans (1 enregistrement)");
    expect(readme).toMatch(/expire 7 jours/);
    expect(safeName("Élodie’s copie (1).pdf")).toBe("Elodie_s_copie_1_.pdf");
  });
});
