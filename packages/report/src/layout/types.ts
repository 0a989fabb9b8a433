// Vocabulary of the layout layer: fonts are named by key, colours are RGB in
// 0–1, and every coordinate is in points measured from the TOP-left corner of
// the page (the pdf-lib renderer flips the y axis). No pdf-lib types here, so
// the layout can be unit-tested with a fake measurer.
import type { FontKey } from "../fonts";

export type { FontKey };

export type Color = readonly [number, number, number];

export interface Measurer {
  /** Width in points; must be additive (width(a + b) = width(a) + width(b)). */
  width(text: string, font: FontKey, size: number): number;
  /** Distance from the top of a line box to its baseline. */
  ascent(font: FontKey, size: number): number;
}

export interface TextStyle {
  font: FontKey;
  size: number;
  color: Color;
  /** Line height as a multiple of the font size. */
  leading: number;
}

export type DrawCommand =
  | {
      kind: "text";
      x: number;
      /** Baseline. */
      y: number;
      text: string;
      font: FontKey;
      size: number;
      color: Color;
      /** Measured width, kept so tests and decorators can check bounds. */
      width: number;
    }
  | {
      kind: "rect";
      x: number;
      /** Top edge. */
      y: number;
      width: number;
      height: number;
      fill?: Color;
      stroke?: Color;
      lineWidth?: number;
    }
  | {
      kind: "line";
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      color: Color;
      lineWidth: number;
    };

export interface PageGeometry {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export const A4: Pick<PageGeometry, "width" | "height"> = { width: 595.28, height: 841.89 };

export type TextCommand = Extract<DrawCommand, { kind: "text" }>;
