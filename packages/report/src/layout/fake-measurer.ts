// A predictable Measurer for layout tests: every character is 0.5 em wide in
// the regular font and 0.6 em in bold (spaces included), ascent 0.8 em.
import type { Measurer } from "./types";

export const fakeMeasurer: Measurer = {
  width: (text, font, size) => Array.from(text).length * size * (font === "bold" ? 0.6 : 0.5),
  ascent: (_font, size) => size * 0.8,
};
