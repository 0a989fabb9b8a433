// Test helpers for uploads (two dots in the name: never deployed). An upload, as the web app
// and the CLI do it: ask for an upload URL (which opens the caller's slot), then post the
// bytes — here stored directly, after the slot, as the upload URL would.
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import type { as, T } from "./world.fixtures";

type Client = ReturnType<typeof as>;

export const PDF_BYTES = new TextEncoder().encode(
  "%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF",
);

export async function storeBlob(t: T, bytes: Uint8Array | string, type = "application/pdf") {
  return await t.run(
    async (ctx) =>
      await ctx.storage.store(new Blob([bytes as Uint8Array<ArrayBuffer> | string], { type })),
  );
}

/** A slot for `client`, then a file stored after it: what documents.create expects. */
export async function uploadAs(
  t: T,
  client: Client,
  bytes: Uint8Array | string = PDF_BYTES,
): Promise<{ uploadId: Id<"uploads">; storageId: Id<"_storage"> }> {
  const { uploadId } = await client.mutation(api.documents.generateUploadUrl, {});
  return { uploadId, storageId: await storeBlob(t, bytes) };
}

export async function blobExists(t: T, id: Id<"_storage">) {
  return await t.run(async (ctx) => (await ctx.storage.get(id)) !== null);
}
