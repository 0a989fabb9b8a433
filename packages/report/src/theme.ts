// Visual constants of the bilan report: palette, text styles, page geometry.
import type { Mastery } from "@nexus/shared/domain";
import type { ProfileLevel } from "@nexus/shared/results";
import type { Color, PageGeometry, TextStyle } from "./layout/types";
import { A4 } from "./layout/types";

const hex = (value: string): Color => {
  const n = Number.parseInt(value.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
};

export const palette = {
  navy: hex("#1F3A5F"),
  accent: hex("#2A9D8F"),
  ink: hex("#1E2430"),
  muted: hex("#5F6B7A"),
  faint: hex("#9AA5B1"),
  rule: hex("#D5DBE3"),
  panel: hex("#F2F5F9"),
  zebra: hex("#F7F9FB"),
  white: hex("#FFFFFF"),
  bandText: hex("#CFE3F5"),
  warning: hex("#B35900"),
  warningPanel: hex("#FFF1E0"),
  success: hex("#1E7F4F"),
  successPanel: hex("#E6F4EC"),
} as const;

export const masteryColors: Record<Mastery, Color> = {
  non_acquis: hex("#C8453B"),
  en_cours: hex("#E39B2D"),
  acquis: hex("#4BA36B"),
  maitrise: hex("#1E7F4F"),
};

export const profileLevelLabels: Record<ProfileLevel, string> = {
  faible: "Faible",
  moyen: "Moyen",
  eleve: "Élevé",
};

export const page: PageGeometry = {
  ...A4,
  margin: { top: 60, right: 52, bottom: 62, left: 52 },
};

const style = (font: TextStyle["font"], size: number, color: Color, leading = 1.35) =>
  ({ font, size, color, leading }) satisfies TextStyle;

export const styles = {
  body: style("regular", 9.8, palette.ink, 1.42),
  bodyBold: style("bold", 9.8, palette.ink, 1.42),
  small: style("regular", 8.3, palette.muted, 1.35),
  panel: style("regular", 8.7, palette.ink, 1.36),
  h1: style("bold", 13.5, palette.navy, 1.25),
  h2: style("bold", 10.5, palette.navy, 1.3),
  table: style("regular", 8.8, palette.ink, 1.3),
  tableHeader: style("bold", 8.6, palette.white, 1.25),
  footer: style("regular", 7.6, palette.muted, 1.2),
} as const;
