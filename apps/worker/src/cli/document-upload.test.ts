import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import {
  DocumentRefusedError,
  parseScope,
  titleFromFilename,
  type UploadApi,
  uploadDocument,
} from "./document-upload.ts";

const PDF = new TextEncoder().encode("%PDF-1.7\n%%EOF");

function fakeApi(add: UploadApi["addDocument"]) {
  const calls: { url: string; contentType: string | null; size: number }[] = [];
  const api: UploadApi = {
    generateUploadUrl: async () => ({ uploadUrl: "http://upload.test/abc", uploadId: "up1" }),
    addDocument: add,
  };
  const fetchImpl = (async (url: string, init: RequestInit) => {
    calls.push({
      url,
      contentType: new Headers(init.headers).get("content-type"),
      size: (init.body as Uint8Array).byteLength,
    });
    return new Response(JSON.stringify({ storageId: "st1" }), { status: 200 });
  }) as unknown as typeof fetch;
  return { api, fetchImpl, calls };
}

describe("document upload (CLI and seed)", () => {
  it("posts the bytes with their sniffed type, then registers the document", async () => {
    const added: unknown[] = [];
    const { api, fetchImpl, calls } = fakeApi(async (args) => {
      added.push(args);
      return { documentId: "d1", duplicate: false };
    });
    const result = await uploadDocument(
      api,
      { bytes: PDF, title: "Fiche", scope: "global", subject: "maths" },
      fetchImpl,
    );
    expect(result).toEqual({ documentId: "d1", duplicate: false });
    expect(calls).toEqual([
      { url: "http://upload.test/abc", contentType: "application/pdf", size: PDF.byteLength },
    ]);
    expect(added).toEqual([
      {
        uploadId: "up1",
        storageId: "st1",
        title: "Fiche",
        scope: "global",
        studentId: undefined,
        subject: "maths",
        niveau: undefined,
      },
    ]);
  });

  it("refuses empty and unsupported files before uploading anything", async () => {
    const { api, fetchImpl, calls } = fakeApi(async () => ({ documentId: "x", duplicate: false }));
    const text = new TextEncoder().encode("bonjour");
    await expect(
      uploadDocument(api, { bytes: text, title: "t", scope: "global" }, fetchImpl),
    ).rejects.toThrow(/Format de fichier non pris en charge/);
    await expect(
      uploadDocument(api, { bytes: new Uint8Array(), title: "t", scope: "global" }, fetchImpl),
    ).rejects.toBeInstanceOf(DocumentRefusedError);
    expect(calls).toHaveLength(0);
  });

  it("turns Convex refusals into French refusals, and keeps other errors as they are", async () => {
    const refusing = fakeApi(async () => {
      throw new ConvexError({
        code: "INVALID_ARGUMENT",
        message: "Le fichier est trop volumineux.",
      });
    });
    await expect(
      uploadDocument(refusing.api, { bytes: PDF, title: "t", scope: "global" }, refusing.fetchImpl),
    ).rejects.toThrow(new DocumentRefusedError("Le fichier est trop volumineux."));
    const badId = fakeApi(async () => {
      throw new Error('Validator error: Expected ID for table "students", got `zz`');
    });
    await expect(
      uploadDocument(
        badId.api,
        { bytes: PDF, title: "t", scope: "student", studentId: "zz" },
        badId.fetchImpl,
      ),
    ).rejects.toThrow(new DocumentRefusedError("Élève introuvable : zz."));
    const down = fakeApi(async () => {
      throw new Error("fetch failed");
    });
    const error = await uploadDocument(
      down.api,
      { bytes: PDF, title: "t", scope: "global" },
      down.fetchImpl,
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DocumentRefusedError);
  });

  it("parses scopes and derives titles from file names", () => {
    expect(parseScope("global")).toEqual({ scope: "global" });
    expect(parseScope("student:abc123")).toEqual({ scope: "student", studentId: "abc123" });
    expect(() => parseScope("eleve:abc")).toThrow(/portée invalide/);
    expect(titleFromFilename("/tmp/fiche_derivees.pdf")).toBe("fiche derivees");
    expect(titleFromFilename("scan.2024.png")).toBe("scan.2024");
  });
});
