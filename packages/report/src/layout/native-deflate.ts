// pdf-lib compresses every stream with pako (pure JavaScript), which is the
// largest cost of assembling a report. These two hooks route the compression
// of one document's streams (embedded font subsets, ToUnicode maps, page
// contents) through Node's native zlib instead; the bytes are still standard
// FlateDecode, only produced faster.
import { deflateSync } from "node:zlib";
import { PDFContentStream, type PDFDocument, PDFName, PDFRawStream } from "pdf-lib";

const deflate = (bytes: Uint8Array) => new Uint8Array(deflateSync(bytes, { level: 6 }));

/** Call right after `PDFDocument.create()`: font files and CMaps get native compression. */
export function useNativeDeflate(doc: PDFDocument): void {
  const context = doc.context;
  const flateStream: typeof context.flateStream = (contents, dict = {}) =>
    context.stream(
      deflate(typeof contents === "string" ? Buffer.from(contents, "latin1") : contents),
      {
        ...dict,
        Filter: "FlateDecode",
      },
    );
  Object.defineProperty(context, "flateStream", { value: flateStream });
}

/**
 * Call once drawing is done, before `save()`: embeds the fonts, then replaces
 * every page content stream by a natively compressed raw stream.
 */
export async function compressContentStreams(doc: PDFDocument): Promise<void> {
  await doc.flush();
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFContentStream)) continue;
    const dict = object.dict.clone(doc.context);
    dict.set(PDFName.of("Filter"), PDFName.of("FlateDecode"));
    doc.context.assign(ref, PDFRawStream.of(dict, deflate(object.getUnencodedContents())));
  }
}
