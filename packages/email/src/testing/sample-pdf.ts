// Test data: every byte value, twice, behind a PDF signature, so attachment
// encodings are exercised on all 256 byte values.
export const samplePdf = new Uint8Array([
  ...new TextEncoder().encode("%PDF-1.7\n"),
  ...Array.from({ length: 512 }, (_, i) => i % 256),
]);
