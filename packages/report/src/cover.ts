// Page-one header of the report: the centre's branded band, the subject, the
// overall result, the student's details and the validation status. Drawn as
// the first figure of the flow; the band bleeds to the page edges.
import { masteryLabels, niveauLabels, subjectLabels } from "@nexus/shared/domain";
import { formatDateFr, formatPercentFr } from "./french-format";
import type { FigureBlock } from "./layout/paginate";
import type { Color, DrawCommand, Measurer, PageGeometry, TextStyle } from "./layout/types";
import { wrapText } from "./layout/wrap";
import type { ParsedReportInput } from "./report-input";
import { masteryColors, palette } from "./theme";

const BAND_HEIGHT = 108;
const STRIP = 4;
const BADGE_HEIGHT = 56;

const s = (font: TextStyle["font"], size: number, color: Color): TextStyle => ({
  font,
  size,
  color,
  leading: 1.3,
});

export function coverFigure(
  input: ParsedReportInput,
  measure: Measurer,
  page: PageGeometry,
): FigureBlock {
  const left = page.margin.left;
  const right = page.width - page.margin.right;
  const frameWidth = right - left;

  const name = `${input.student.firstName} ${input.student.lastName}`;
  const approvedAt = input.review?.approvedAt;
  const statusLabel = input.final ? "finale" : "provisoire";
  const cells: Array<[string, string]> = [
    ["Élève", name],
    ["Niveau", niveauLabels[input.student.niveau]],
    ["Spécialités", input.student.specialites.join(", ") || "—"],
    ["Date du bilan", formatDateFr(input.date)],
    ["Questionnaire", input.questionnaireTitle],
    ["Version du rapport", `${input.version} (${statusLabel})`],
  ];

  const labelStyle = s("regular", 7.6, palette.muted);
  const valueStyle = s("bold", 9.6, palette.ink);
  const pad = 10;
  const colGap = 16;
  const colWidth = (frameWidth - 2 * pad - colGap) / 2;
  const valueLh = valueStyle.size * valueStyle.leading;
  const labelLh = labelStyle.size * labelStyle.leading;
  const prepared = cells.map(([label, value]) => ({
    label,
    lines: wrapText(value, colWidth, valueStyle.font, valueStyle.size, measure),
  }));
  const rowHeights: number[] = [];
  for (let i = 0; i < prepared.length; i += 2) {
    const pair = prepared.slice(i, i + 2);
    rowHeights.push(labelLh + Math.max(...pair.map((c) => c.lines.length)) * valueLh + 6);
  }

  const titleTop = BAND_HEIGHT + STRIP + 22;
  const panelTop = titleTop + 58;
  const panelHeight = rowHeights.reduce((a, b) => a + b, 0) + 2 * pad - 6;
  const statusTop = panelTop + panelHeight + 10;
  const statusHeight = 30;
  const bottom = statusTop + statusHeight;

  const draw = (_x: number, y: number): DrawCommand[] => {
    const dy = y - page.margin.top;
    const out: DrawCommand[] = [];
    const text = (value: string, x: number, baseline: number, style: TextStyle, color?: Color) =>
      out.push({
        kind: "text",
        x,
        y: baseline + dy,
        text: value,
        font: style.font,
        size: style.size,
        color: color ?? style.color,
        width: measure.width(value, style.font, style.size),
      });
    const textRight = (value: string, rx: number, baseline: number, style: TextStyle) =>
      text(value, rx - measure.width(value, style.font, style.size), baseline, style);
    const rect = (x: number, top: number, width: number, height: number, fill: Color) =>
      out.push({ kind: "rect", x, y: top + dy, width, height, fill });

    // Branded band.
    rect(0, 0, page.width, BAND_HEIGHT, palette.navy);
    rect(0, BAND_HEIGHT, page.width, STRIP, palette.accent);
    text(input.centre.name, left, 48, s("bold", 21, palette.white));
    if (input.centre.tagline)
      text(input.centre.tagline, left, 66, s("regular", 9.5, palette.bandText));
    if (input.centre.contact)
      text(input.centre.contact, left, 82, s("regular", 8, palette.bandText));
    textRight("BILAN PÉDAGOGIQUE", right, 48, s("bold", 10.5, palette.white));
    textRight(formatDateFr(input.date), right, 64, s("regular", 9, palette.bandText));

    // Subject title and overall result badge.
    const badgeWidth = 128;
    const titleWidth = frameWidth - badgeWidth - 12;
    const subjectTitle = subjectLabels[input.subject];
    const titleStyle = s("bold", 19, palette.navy);
    const titleLines = wrapText(subjectTitle, titleWidth, "bold", 19, measure);
    const titleSize = titleLines.length > 1 ? 15 : 19;
    text(
      wrapText(subjectTitle, titleWidth, "bold", titleSize, measure)[0] ?? subjectTitle,
      left,
      titleTop + titleSize,
      { ...titleStyle, size: titleSize },
    );
    const subtitle = wrapText(input.questionnaireTitle, titleWidth, "regular", 9.5, measure);
    text(
      subtitle.length > 1 ? `${subtitle[0]}…` : (subtitle[0] ?? ""),
      left,
      titleTop + titleSize + 17,
      s("regular", 9.5, palette.muted),
    );

    const overall = input.scores.overall;
    const badgeLeft = right - badgeWidth;
    const badgeTop = titleTop - 8;
    const color = masteryColors[overall.mastery];
    rect(badgeLeft, badgeTop, badgeWidth, BADGE_HEIGHT, palette.panel);
    rect(badgeLeft, badgeTop, 3, BADGE_HEIGHT, color);
    text("Résultat global", badgeLeft + 12, badgeTop + 13, s("regular", 7.6, palette.muted));
    text(formatPercentFr(overall.percent), badgeLeft + 12, badgeTop + 34, s("bold", 18, color));
    text(
      masteryLabels[overall.mastery],
      badgeLeft + 12,
      badgeTop + 48,
      s("bold", 7.8, palette.ink),
    );

    // Student details panel.
    rect(left, panelTop, frameWidth, panelHeight, palette.panel);
    let rowTop = panelTop + pad;
    rowHeights.forEach((height, row) => {
      prepared.slice(row * 2, row * 2 + 2).forEach((cell, col) => {
        const cx = left + pad + col * (colWidth + colGap);
        text(cell.label.toUpperCase(), cx, rowTop + labelStyle.size, labelStyle);
        cell.lines.forEach((line, i) => {
          text(line, cx, rowTop + labelLh + i * valueLh + valueStyle.size, valueStyle);
        });
      });
      rowTop += height;
    });

    // Validation status.
    const approved = approvedAt !== undefined;
    rect(
      left,
      statusTop,
      frameWidth,
      statusHeight,
      approved ? palette.successPanel : palette.warningPanel,
    );
    rect(left, statusTop, 3, statusHeight, approved ? palette.success : palette.warning);
    const statusText = approved
      ? `Validé par ${input.review!.coachName} le ${formatDateFr(approvedAt)}`
      : "Version provisoire – en attente de validation";
    text(
      statusText,
      left + 12,
      statusTop + 19,
      s("bold", 9.8, approved ? palette.success : palette.warning),
    );
    return out;
  };

  return { kind: "figure", height: bottom - page.margin.top, draw, spaceAfter: 6 };
}
