// The content of a bilan report as layout blocks, section by section, and its
// running header/footer. Pure: every number printed comes from the validated
// input (scores, profile) and is formatted here, never recomputed.
import { masteryLabels, masteryLevels, niveauLabels, subjectLabels } from "@nexus/shared/domain";
import { barChartFigure } from "./bar-chart";
import { coverFigure } from "./cover";
import {
  formatDateFr,
  formatHoursFr,
  formatNumberFr,
  formatPercentFr,
  withFrenchSpacing,
} from "./french-format";
import {
  type Block,
  decoratePages,
  type LaidOutPage,
  type ParagraphBlock,
  paginate,
  type TableBlock,
} from "./layout/paginate";
import type { DrawCommand, Measurer, TextCommand, TextStyle } from "./layout/types";
import type { Run } from "./layout/wrap";
import type { ParsedReportInput } from "./report-input";
import { masteryColors, page, palette, profileLevelLabels, styles } from "./theme";

/** Section headings, in order; tests check every one is in the PDF. */
export const sectionHeadings = {
  scores: "Résultats par domaine",
  chart: "Taux de réussite par domaine",
  profile: "Profil pédagogique",
  summary: "Synthèse",
  strengths: "Points forts",
  weaknesses: "Points à renforcer",
  recommendations: "Recommandations",
  studyPlan: "Plan de travail",
  offers: "Accompagnement proposé",
  review: "Mot du coach et validation",
} as const;

const BULLET_INDENT = 14;

function h1(text: string): Block {
  return {
    kind: "heading",
    text,
    style: styles.h1,
    rule: { color: palette.accent, lineWidth: 1, gap: 7 },
    spaceBefore: 16,
    spaceAfter: 7,
  };
}

function h2(text: string): Block {
  return { kind: "heading", text, style: styles.h2, spaceBefore: 10, spaceAfter: 4 };
}

function paragraph(runs: Run[] | string, extra: Partial<ParagraphBlock> = {}): ParagraphBlock {
  return {
    kind: "paragraph",
    runs: typeof runs === "string" ? [{ text: runs, font: "regular" }] : runs,
    style: styles.body,
    spaceAfter: 4,
    ...extra,
  };
}

function bullet(runs: Run[] | string, marker = "•"): ParagraphBlock {
  return paragraph(runs, { indent: BULLET_INDENT, marker, spaceAfter: 3 });
}

function table(
  columns: TableBlock["columns"],
  rows: TableBlock["rows"],
  style: TextStyle = styles.table,
): TableBlock {
  return {
    kind: "table",
    columns,
    rows,
    style,
    headerStyle: styles.tableHeader,
    headerFill: palette.navy,
    zebraFill: palette.zebra,
    borderColor: palette.rule,
    padding: 4.5,
    spaceAfter: 4,
  };
}

export function bilanBlocks(input: ParsedReportInput, measure: Measurer): Block[] {
  const { scores, profile, synthesis } = input;
  const domainLabel = new Map(scores.domains.map((d) => [d.domainId, d.label]));
  const labelOf = (id: string) => domainLabel.get(id) ?? id;
  const blocks: Block[] = [coverFigure(input, measure, page)];

  // Scores.
  blocks.push(h1(sectionHeadings.scores));
  blocks.push(
    table(
      [
        { header: "Domaine", weight: 5 },
        { header: "Points", weight: 1.7, align: "right" },
        { header: "Réussite", weight: 1.5, align: "right" },
        { header: "Niveau de maîtrise", weight: 2.6 },
      ],
      [
        ...scores.domains.map((d) => ({
          cells: [
            d.label,
            `${formatNumberFr(d.earned)} / ${formatNumberFr(d.max)}`,
            formatPercentFr(d.percent),
            masteryLabels[d.mastery],
          ],
        })),
        {
          cells: [
            "Ensemble du questionnaire",
            `${formatNumberFr(scores.overall.earned)} / ${formatNumberFr(scores.overall.max)}`,
            formatPercentFr(scores.overall.percent),
            masteryLabels[scores.overall.mastery],
          ],
          bold: true,
          fill: palette.panel,
        },
      ],
    ),
  );
  if (scores.unanswered > 0) {
    blocks.push(
      paragraph(
        `${scores.unanswered} question${scores.unanswered > 1 ? "s" : ""} sans réponse ${
          scores.unanswered > 1 ? "ont été comptées" : "a été comptée"
        } comme non réussie${scores.unanswered > 1 ? "s" : ""}.`,
        { style: styles.small },
      ),
    );
  }

  blocks.push(h2(sectionHeadings.chart));
  blocks.push(
    barChartFigure(
      scores.domains.map((d) => ({
        label: d.label,
        percent: d.percent,
        color: masteryColors[d.mastery],
        valueLabel: formatPercentFr(d.percent),
      })),
      masteryLevels.map((m) => ({ label: masteryLabels[m], color: masteryColors[m] })),
      measure,
    ),
  );

  // Pedagogical profile.
  blocks.push(h1(sectionHeadings.profile));
  blocks.push(
    table(
      [
        { header: "Dimension", weight: 5 },
        { header: "Score", weight: 1.5, align: "right" },
        { header: "Niveau", weight: 2 },
      ],
      profile.dimensions.map((d) => ({
        cells: [
          d.id === "stress" ? `${d.label} (un score élevé signale un stress important)` : d.label,
          `${d.score} / 100`,
          profileLevelLabels[d.level],
        ],
      })),
    ),
  );
  if (profile.traits.length > 0) {
    blocks.push(h2("Traits observés"));
    for (const trait of profile.traits) blocks.push(bullet(trait));
  }

  // Synthesis.
  blocks.push(h1(sectionHeadings.summary));
  for (const part of synthesis.summary.split(/\n\s*\n/)) blocks.push(paragraph(part.trim()));

  const domainBullets = (items: { domainId: string; text: string }[], empty: string) => {
    if (items.length === 0) return [paragraph(empty)];
    return items.map((item) =>
      bullet([
        { text: `${labelOf(item.domainId)} : `, font: "bold" },
        { text: item.text, font: "regular" },
      ]),
    );
  };
  blocks.push(h1(sectionHeadings.strengths));
  blocks.push(
    ...domainBullets(
      synthesis.strengths,
      "Aucun point fort particulier n'a été relevé à ce stade.",
    ),
  );
  blocks.push(h1(sectionHeadings.weaknesses));
  blocks.push(
    ...domainBullets(synthesis.weaknesses, "Aucune difficulté particulière n'a été relevée."),
  );

  // Recommendations with their sources.
  blocks.push(h1(sectionHeadings.recommendations));
  synthesis.recommendations.forEach((rec, i) => {
    blocks.push(
      paragraph([{ text: rec.title, font: "bold" }], {
        indent: BULLET_INDENT,
        marker: `${i + 1}.`,
        style: styles.bodyBold,
        keepWithNext: true,
        spaceBefore: i === 0 ? 0 : 5,
        spaceAfter: 1,
      }),
    );
    blocks.push(paragraph(rec.text, { indent: BULLET_INDENT, spaceAfter: 1.5 }));
    const details: Run[] = [
      { text: "Domaines : ", font: "bold" },
      { text: rec.domainIds.map(labelOf).join(", "), font: "regular" },
    ];
    if (rec.sources.length > 0) {
      details.push(
        { text: "\nSources : ", font: "bold" },
        {
          text: rec.sources.map((src) => `« ${src.documentTitle} », p. ${src.page}`).join(" ; "),
          font: "regular",
        },
      );
    }
    blocks.push(paragraph(details, { indent: BULLET_INDENT, style: styles.small, spaceAfter: 3 }));
  });

  // Study plan.
  blocks.push(h1(sectionHeadings.studyPlan));
  const totalHours = synthesis.studyPlan.reduce(
    (sum, week) => sum + week.activities.reduce((s, a) => s + a.hours, 0),
    0,
  );
  blocks.push(
    table(
      [
        { header: "Semaine", weight: 1.2, align: "center" },
        { header: "Objectifs", weight: 4 },
        { header: "Activités", weight: 5 },
        { header: "Heures", weight: 1.3, align: "right" },
      ],
      [
        ...synthesis.studyPlan.map((week) => ({
          cells: [
            String(week.week),
            week.objectives.map((o) => `• ${o}`).join("\n"),
            week.activities.map((a) => `• ${a.description} (${formatHoursFr(a.hours)})`).join("\n"),
            formatHoursFr(week.activities.reduce((s, a) => s + a.hours, 0)),
          ],
        })),
        { cells: ["Total", "", "", formatHoursFr(totalHours)], bold: true, fill: palette.panel },
      ],
    ),
  );

  // Offers.
  blocks.push(h1(sectionHeadings.offers));
  if (synthesis.offers.length === 0) {
    blocks.push(
      paragraph("Aucune formule d'accompagnement particulière n'est proposée à ce stade."),
    );
  }
  for (const offer of synthesis.offers) {
    blocks.push(
      bullet([
        { text: `${offer.title} : `, font: "bold" },
        { text: offer.reason, font: "regular" },
      ]),
    );
  }

  // Coach's note and approval.
  blocks.push(h1(sectionHeadings.review));
  const review = input.review;
  if (review?.coachNote) {
    blocks.push(
      paragraph([
        { text: `Note de ${review.coachName} : `, font: "bold" },
        { text: review.coachNote, font: "regular" },
      ]),
    );
  }
  if (review?.approvedAt !== undefined) {
    blocks.push(
      paragraph(
        [
          {
            text: `Validé par ${review.coachName} le ${formatDateFr(review.approvedAt)}.`,
            font: "bold",
            color: palette.success,
          },
        ],
        { spaceBefore: 4 },
      ),
    );
  } else {
    blocks.push(
      paragraph(
        [
          {
            text: "Version provisoire – en attente de validation",
            font: "bold",
            color: palette.warning,
          },
          {
            text: review
              ? ` par ${review.coachName}. Ce document peut encore évoluer.`
              : ". Ce document n'a pas encore été relu par un coach et peut encore évoluer.",
            font: "regular",
          },
        ],
        { spaceBefore: 4 },
      ),
    );
  }
  return blocks.map(withTypography);
}

/** Applies French non-breaking spaces to the texts the builder itself wrote. */
function withTypography(block: Block): Block {
  switch (block.kind) {
    case "paragraph":
      return { ...block, runs: block.runs.map((r) => ({ ...r, text: withFrenchSpacing(r.text) })) };
    case "heading":
      return { ...block, text: withFrenchSpacing(block.text) };
    case "table":
      return {
        ...block,
        rows: block.rows.map((row) => ({ ...row, cells: row.cells.map(withFrenchSpacing) })),
      };
    default:
      return block;
  }
}

/** Running header (pages 2+) and footer with "Page X / Y" on every page. */
export function pageDecorations(
  input: ParsedReportInput,
  measure: Measurer,
): (pageIndex: number, pageCount: number) => DrawCommand[] {
  const left = page.margin.left;
  const right = page.width - page.margin.right;
  const style = styles.footer;
  const name = `${input.student.firstName} ${input.student.lastName}`;
  const headerText = `Bilan pédagogique · ${name} · ${subjectLabels[input.subject]} · ${
    niveauLabels[input.student.niveau]
  }`;
  const footerLeft = [input.centre.name, input.centre.contact].filter(Boolean).join(" · ");
  const statusText = input.final
    ? `Version ${input.version}`
    : `Version ${input.version} – provisoire`;
  const text = (value: string, x: number, y: number): TextCommand => ({
    kind: "text",
    x,
    y,
    text: value,
    font: style.font,
    size: style.size,
    color: style.color,
    width: measure.width(value, style.font, style.size),
  });
  const fitted = (value: string, maxWidth: number) => {
    let out = value;
    while (out.length > 1 && measure.width(out, style.font, style.size) > maxWidth)
      out = `${out.slice(0, -2)}…`;
    return out;
  };

  return (pageIndex, pageCount) => {
    const out: DrawCommand[] = [];
    const footerY = page.height - page.margin.bottom + 28;
    out.push({
      kind: "line",
      x1: left,
      y1: footerY - 11,
      x2: right,
      y2: footerY - 11,
      color: palette.rule,
      lineWidth: 0.5,
    });
    const pageLabel = `Page ${pageIndex + 1} / ${pageCount}`;
    const pageWidth = measure.width(pageLabel, "bold", style.size);
    out.push({ ...text(pageLabel, right - pageWidth, footerY), font: "bold", width: pageWidth });
    const status = `${statusText} · `;
    const statusWidth = measure.width(status, style.font, style.size);
    const statusX = right - pageWidth - statusWidth;
    out.push(text(status, statusX, footerY));
    out.push(text(fitted(footerLeft, statusX - left - 12), left, footerY));
    if (pageIndex > 0) {
      const headerY = page.margin.top - 24;
      out.push(text(fitted(headerText, right - left), left, headerY));
      out.push({
        kind: "line",
        x1: left,
        y1: headerY + 6,
        x2: right,
        y2: headerY + 6,
        color: palette.rule,
        lineWidth: 0.5,
      });
    }
    return out;
  };
}

export interface BilanLayout {
  pages: LaidOutPage[];
  blocks: Block[];
  blockPages: number[];
}

/** Lays the whole report out: content flow first, then header/footer once the page count is known. */
export function layoutBilanReport(input: ParsedReportInput, measure: Measurer): BilanLayout {
  const blocks = bilanBlocks(input, measure);
  const flow = paginate(blocks, page, measure);
  const pages = decoratePages(flow.pages, pageDecorations(input, measure));
  return { pages, blocks, blockPages: flow.blockPages };
}
