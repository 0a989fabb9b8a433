import { createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { KnowledgeError } from "./errors.ts";
import { sha256Hex } from "./hash.ts";
import { renderPdf } from "./pdf-render.ts";
import {
  assertAcceptedFile,
  assertSizeWithinLimit,
  DEFAULT_MAX_BYTES,
  sniffMime,
} from "./sniff.ts";

async function imageBytes(format: "png" | "jpeg" | "webp"): Promise<Uint8Array> {
  const canvas = createCanvas(40, 20);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, 40, 20);
  ctx.fillStyle = "black";
  ctx.fillRect(5, 5, 10, 10);
  if (format === "png") return new Uint8Array(await canvas.encode("png"));
  if (format === "jpeg") return new Uint8Array(await canvas.encode("jpeg", 80));
  return new Uint8Array(await canvas.encode("webp", 80));
}

function refusal(fn: () => unknown): KnowledgeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KnowledgeError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("content sniffing", () => {
  it("recognises a generated PDF from its bytes", async () => {
    const pdf = await renderPdf([{ kind: "markdown", markdown: "# Titre\n\nTexte." }], {
      title: "Essai",
    });
    expect(sniffMime(pdf)).toBe("application/pdf");
    expect(assertAcceptedFile(pdf)).toBe("application/pdf");
  });

  it.each(["png", "jpeg", "webp"] as const)("recognises a generated %s image", async (format) => {
    expect(sniffMime(await imageBytes(format))).toBe(`image/${format}`);
  });

  it("accepts junk before the PDF header within the first kilobyte only", () => {
    const header = new TextEncoder().encode("%PDF-1.7\n");
    const near = new Uint8Array(100 + header.length);
    near.set(header, 100);
    expect(sniffMime(near)).toBe("application/pdf");
    const far = new Uint8Array(2000 + header.length);
    far.set(header, 2000);
    expect(sniffMime(far)).toBeNull();
  });

  it("refuses a text file renamed .pdf with a French message listing accepted formats", () => {
    const text = new TextEncoder().encode("Ceci n'est pas un PDF, juste du texte.\n");
    const error = refusal(() => assertAcceptedFile(text));
    expect(error.code).toBe("unsupported_type");
    expect(error.message).toBe(
      "Format de fichier non pris en charge : seuls les fichiers PDF, PNG, JPEG ou WebP sont acceptés.",
    );
  });

  it("refuses other real formats (GIF, ZIP/DOCX, RIFF that is not WebP)", () => {
    const gif = new TextEncoder().encode("GIF89a....");
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    const wav = new TextEncoder().encode("RIFF\u0000\u0000\u0000\u0000WAVEfmt ");
    for (const bytes of [gif, zip, wav]) expect(sniffMime(bytes)).toBeNull();
  });

  it("refuses empty files and files over the size limit", () => {
    expect(refusal(() => assertAcceptedFile(new Uint8Array(0))).code).toBe("empty_file");
    const error = refusal(() => assertSizeWithinLimit(DEFAULT_MAX_BYTES + 1));
    expect(error.code).toBe("too_large");
    expect(error.message).toBe(
      "Le fichier est trop volumineux (20 Mo) : la taille maximale est de 20 Mo.",
    );
    expect(() => assertSizeWithinLimit(DEFAULT_MAX_BYTES)).not.toThrow();
  });

  it("applies a configurable limit to the actual bytes", async () => {
    const png = await imageBytes("png");
    const error = refusal(() => assertAcceptedFile(png, { maxBytes: 100 }));
    expect(error.code).toBe("too_large");
    expect(error.message).toMatch(/la taille maximale est de 100 octets\.$/);
    expect(assertAcceptedFile(png, { maxBytes: png.byteLength })).toBe("image/png");
  });
});

describe("sha256", () => {
  it("matches the standard test vectors for strings and bytes", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(sha256Hex(new TextEncoder().encode("abc"))).toBe(sha256Hex("abc"));
  });
});
