import { describe, expect, it } from "vitest";
import { scanContentStream } from "./content-stream.ts";
import { drawnRotation, jpegWithOrientation, orientationEntry, toPnm } from "./pdf-images.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("content-stream scanner", () => {
  it("follows q/Q and cm to the matrix an image is drawn with, counts text and paths", () => {
    const events = scanContentStream(
      bytes(
        "q 1 0 0 1 10 20 cm q 595 0 0 842 0 0 cm /Im1 Do Q 0 0 m 10 10 l S Q " +
          "BT /F1 9 Tf (Bonjour \\) (tout) le monde) Tj [(a) -20 (b)] TJ ET " +
          "/P <</MCID 0>> BDC EMC q 2 0 0 2 0 0 cm BI /W 1 /H 1 ID \x00\xff\nEI Q /Im2 Do",
      ),
    );
    expect(events).toEqual([
      { op: "Do", name: "Im1", ctm: [595, 0, 0, 842, 10, 20] },
      { op: "paint" },
      { op: "text" },
      { op: "text" },
      { op: "inlineImage", ctm: [2, 0, 0, 2, 0, 0] },
      { op: "Do", name: "Im2", ctm: [1, 0, 0, 1, 0, 0] },
    ]);
  });
});

describe("scanned image hand-over", () => {
  it("turns /Rotate and the drawing matrix into the clockwise turn that makes the scan upright", () => {
    expect(drawnRotation([595, 0, 0, 842, 0, 0], 0)).toBe(0);
    expect(drawnRotation([842, 0, 0, 595, 0, 0], 90)).toBe(90);
    expect(drawnRotation([842, 0, 0, 595, 0, 0], -90)).toBe(270);
    // Image drawn turned clockwise (its x axis pointing down).
    expect(drawnRotation([0, -842, 595, 0, 0, 842], 0)).toBe(90);
    expect(drawnRotation([-595, 0, 0, -842, 595, 842], 0)).toBe(180);
    expect(drawnRotation([0, 842, -595, 0, 595, 0], 0)).toBe(270);
    // Mirrored or skewed drawings are left to pdf.js.
    expect(drawnRotation([595, 0, 0, -842, 0, 842], 0)).toBeNull();
    expect(drawnRotation([595, 100, 0, 842, 0, 0], 0)).toBeNull();
  });

  it("writes PNM with the orientation where tesseract.js reads it, PDF 1-bit black as PBM black", () => {
    // 8 pixels of 1-bit gray: PDF 0 = black.
    const pbm = toPnm(new Uint8Array([0b00001111]), 8, 1, 1, 1, 90);
    const header = new TextDecoder("latin1").decode(pbm.subarray(0, pbm.length - 1));
    expect(header.startsWith("P4\n# ")).toBe(true);
    expect(header.endsWith("\n8 1\n")).toBe(true);
    expect(pbm.at(-1)).toBe(0b11110000);
    // tesseract.js looks for the orientation entry in the first 500 bytes.
    expect([...pbm.subarray(0, 500)].join(" ")).toMatch(/1 18 0 3 0 0 0 1 0 6/);
    // 4-bit gray is widened to 8 bits.
    const pgm = toPnm(new Uint8Array([0x0f, 0xf0]), 2, 2, 4, 1, 0);
    expect([...pgm.subarray(-4)]).toEqual([0, 255, 255, 0]);
    expect(orientationEntry(180).at(-1)).toBe(3);
  });

  it("puts an orientation-only EXIF segment right after the JPEG start marker", () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 1, 2, 3]);
    const out = jpegWithOrientation(jpeg, 270);
    expect([...out.subarray(0, 4)]).toEqual([0xff, 0xd8, 0xff, 0xe1]);
    expect(new TextDecoder().decode(out.subarray(6, 10))).toBe("Exif");
    expect([...out.subarray(0, 500)].join(" ")).toMatch(/1 18 0 3 0 0 0 1 0 8/);
    expect([...out.subarray(-5)]).toEqual([0xff, 0xdb, 1, 2, 3]);
    // The segment length covers the segment exactly.
    const length = (out[4]! << 8) | out[5]!;
    expect([...out.subarray(4 + length, 4 + length + 2)]).toEqual([0xff, 0xdb]);
  });
});
