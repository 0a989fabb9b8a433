// Report fonts: DejaVu Sans (regular + bold) from the `dejavu-fonts-ttf` npm package.
// The TTF bytes are read and parsed by fontkit ONCE per process; every report
// embeds (subsets) the same parsed fonts. Owns font loading and glyph metrics only.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Font, Glyph } from "@pdf-lib/fontkit";
import fontkit from "@pdf-lib/fontkit";

export type FontKey = "regular" | "bold";

const files: Record<FontKey, string> = {
  regular: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  bold: "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
};

interface LoadedFont {
  bytes: Uint8Array;
  font: Font;
  /** Advance width in font units, per code point (cmap lookups are the hot path). */
  advances: Map<number, number>;
}

let loaded: Record<FontKey, LoadedFont> | null = null;
const fontsByBytes = new WeakMap<Uint8Array, Font>();

/**
 * pdf-lib shapes every string with fontkit's full OpenType layout engine, which
 * costs ~0.3 ms per string and re-parses GSUB/GPOS for every new document.
 * pdf-lib only uses the glyph ids and advances of a layout (it ignores kerning
 * positions), so a direct code point → glyph mapping draws the same thing.
 * Input text is NFC-normalised beforehand, so accents are precomposed glyphs.
 */
function withDirectLayout(font: Font): Font {
  const glyphs = new Map<number, Glyph>();
  const glyphFor = (cp: number) => {
    let glyph = glyphs.get(cp);
    if (!glyph) {
      glyph = font.glyphForCodePoint(cp);
      glyphs.set(cp, glyph);
    }
    return glyph;
  };
  const direct = (text: string) => ({
    glyphs: Array.from(text, (ch) => glyphFor(ch.codePointAt(0)!)),
  });
  Object.defineProperty(font, "layout", { value: direct });
  return font;
}

function load(): Record<FontKey, LoadedFont> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (key: FontKey): LoadedFont => {
    const bytes = new Uint8Array(readFileSync(require.resolve(files[key])));
    const font = withDirectLayout(fontkit.create(bytes as Buffer));
    fontsByBytes.set(bytes, font);
    return { bytes, font, advances: new Map() };
  };
  loaded = { regular: read("regular"), bold: read("bold") };
  return loaded;
}

/** The font bytes to pass to `PDFDocument.embedFont` (same object every time). */
export function fontBytes(key: FontKey): Uint8Array {
  return load()[key].bytes;
}

/**
 * A fontkit stand-in for `PDFDocument.registerFontkit`: returns the already
 * parsed process-wide font for our bytes instead of parsing them again.
 */
export const sharedFontkit = {
  create(data: Uint8Array | Buffer, postscriptName?: string): Font {
    const cached = fontsByBytes.get(data as Uint8Array);
    if (cached) return cached;
    return fontkit.create(data as Buffer, postscriptName);
  },
};

/** Width of `text` in points at `size`, exactly as pdf-lib will draw it. */
export function textWidth(text: string, key: FontKey, size: number): number {
  const { font, advances } = load()[key];
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let advance = advances.get(cp);
    if (advance === undefined) {
      advance = font.glyphForCodePoint(cp).advanceWidth;
      advances.set(cp, advance);
    }
    units += advance;
  }
  return (units * size) / font.unitsPerEm;
}

/** Ascent above the baseline, in points at `size`. */
export function fontAscent(key: FontKey, size: number): number {
  const { font } = load()[key];
  return (font.ascent * size) / font.unitsPerEm;
}

const drawable = new Map<number, boolean>();

const replacements: Record<string, string> = {
  "\t": " ",
  "\u2009": " ",
  "\u200B": "",
  "\uFEFF": "",
};

/**
 * NFC-normalises text and replaces what DejaVu cannot draw: control characters
 * and unsupported symbols (emoji…) are dropped rather than drawn as empty boxes.
 */
export function drawableText(text: string): string {
  const { regular, bold } = load();
  let out = "";
  for (const ch of text.normalize("NFC")) {
    const replacement = replacements[ch];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    let ok = drawable.get(cp);
    if (ok === undefined) {
      ok =
        ch === "\n" ||
        (cp >= 0x20 &&
          cp !== 0x7f &&
          regular.font.hasGlyphForCodePoint(cp) &&
          bold.font.hasGlyphForCodePoint(cp));
      drawable.set(cp, ok);
    }
    if (ok) out += ch;
  }
  return out;
}
