// The content of a bilan report as layout blocks, section by section, and its
// running header/footer. Pure: every number printed comes from the validated
// input (scores, profile) and is formatted here, never recomputed.
import { masteryLabels, masteryLevels, niveauLabels, subjectLabels } from "@nexus/shared/domain";
import { chooseNextStep } from "@nexus/shared/next-step";
import { readProfile } from "@nexus/shared/profile-reading";
import { compareBilans, deltaArrow, formatDeltaFr } from "@nexus/shared/progress";
import {
  type DatedPlan,
  datePlanWeeks,
  formatDayFr,
  formatWeekRangeFr,
} from "@nexus/shared/school-calendar";
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
import { panelFigure } from "./panel";
import type { ParsedReportInput } from "./report-input";
import { masteryColors, page, palette, styles } from "./theme";

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
  nextStep: "Prochaine étape et contacts",
  howToRead: "Comment lire ce bilan",
} as const;

/** The dated weeks of the plan: from the approval (else the bilan's date), holidays of the zone skipped. */
export function planDates(input: ParsedReportInput): DatedPlan {
  const start = input.review?.approvedAt ?? input.date;
  return datePlanWeeks(input.synthesis.studyPlan.length + 1, start, input.student.holidayZone);
}

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

  const progress = input.previous ? compareBilans(input.previous, scores) : undefined;
  const previousPercent = new Map(
    progress?.domains.filter((d) => d.status === "compared").map((d) => [d.domainId, d.before!]),
  );
  if (progress) {
    blocks.push(h1(`Progrès depuis le bilan du ${formatDateFr(progress.previousDate)}`));
    const change = (d: { before?: number; after?: number; delta?: number; status: string }) =>
      d.status === "added"
        ? "nouveau domaine"
        : d.status === "removed"
          ? "plus évalué"
          : `${deltaArrow(d.delta!)} ${formatDeltaFr(d.delta!)}`;
    blocks.push(
      table(
        [
          { header: "Domaine", weight: 5 },
          { header: "Avant", weight: 1.4, align: "right" },
          { header: "Maintenant", weight: 1.7, align: "right" },
          { header: "Évolution", weight: 2.7 },
        ],
        [
          ...progress.domains.map((d) => ({
            cells: [
              d.label,
              d.before === undefined ? "—" : formatPercentFr(d.before),
              d.after === undefined ? "—" : formatPercentFr(d.after),
              change(d),
            ],
          })),
          {
            cells: [
              "Ensemble du questionnaire",
              formatPercentFr(progress.overall.before),
              formatPercentFr(progress.overall.after),
              change({ ...progress.overall, status: "compared" }),
            ],
            bold: true,
            fill: palette.panel,
          },
        ],
      ),
    );
    if (progress.domains.some((d) => d.status !== "compared")) {
      blocks.push(
        paragraph(
          "Le questionnaire a évolué entre les deux bilans : un domaine nouveau ou plus évalué n’a pas d’évolution chiffrée.",
          { style: styles.small },
        ),
      );
    }
  }

  blocks.push(h2(sectionHeadings.chart));
  blocks.push(
    barChartFigure(
      scores.domains.map((d) => ({
        label: d.label,
        percent: d.percent,
        color: masteryColors[d.mastery],
        valueLabel: formatPercentFr(d.percent),
        previous: previousPercent.get(d.domainId),
      })),
      masteryLevels.map((m) => ({ label: masteryLabels[m], color: masteryColors[m] })),
      measure,
    ),
  );

  // Next step, contacts and how to read: on page 1, where a parent looks first.
  const dated = planDates(input);
  const planWeeks = synthesis.studyPlan.length;
  const coachName = input.review?.coachName;
  const next = chooseNextStep(scores, {
    coachName,
    planWeeks,
    firstName: input.student.firstName,
  });
  const nextBilanWeek = dated.weeks[planWeeks];
  const centre = input.centre;
  const contactLine = [centre.address, centre.phone, centre.email].filter(Boolean).join(" · ");
  const nextParagraphs: Run[][] = [
    [
      { text: `${next.title}. `, font: "bold" },
      { text: next.detail, font: "regular" },
      ...(next.domains.length > 0
        ? [
            { text: " À revoir d’abord : ", font: "bold" as const },
            {
              text: `${next.domains.map((l) => `« ${l} »`).join(", ")}.`,
              font: "regular" as const,
            },
          ]
        : []),
    ],
  ];
  nextParagraphs.push([
    { text: "Prochain bilan : ", font: "bold" },
    {
      text: nextBilanWeek
        ? `à partir du ${formatDayFr(nextBilanWeek.startDay)}, à la fin du plan de ${planWeeks} semaines.`
        : `à la fin du plan de ${planWeeks} semaines.`,
      font: "regular",
    },
  ]);
  nextParagraphs.push([
    { text: "Contacts : ", font: "bold" },
    {
      text: `${coachName ? `${coachName}, coach` : "l’équipe pédagogique"} – ${centre.name}${
        contactLine ? `, ${contactLine}` : centre.contact ? `, ${centre.contact}` : ""
      }.`,
      font: "regular",
    },
  ]);
  const links: string[] = [];
  if (centre.bookingUrl) links.push(`réserver une séance : ${centre.bookingUrl}`);
  if (input.bilanUrl) links.push(`ce bilan en ligne : ${input.bilanUrl}`);
  if (links.length > 0) {
    nextParagraphs.push([
      { text: "En ligne : ", font: "bold" },
      { text: `${links.join(" ; ")}.`, font: "regular" },
    ]);
  }
  blocks.push(
    panelFigure(
      {
        title: sectionHeadings.nextStep,
        paragraphs: nextParagraphs,
        fill: palette.successPanel,
        accent: palette.success,
        titleStyle: styles.h2,
        bodyStyle: styles.panel,
      },
      measure,
      page,
    ),
  );
  const zone = input.student.holidayZone;
  blocks.push(
    panelFigure(
      {
        title: sectionHeadings.howToRead,
        bullets: true,
        paragraphs: [
          [
            { text: "Réussite : ", font: "bold" },
            {
              text: "part des points obtenus, chaque question pesant selon sa difficulté. Non acquis sous 40 %, en cours de 40 à 59 %, acquis de 60 à 79 %, maîtrisé à partir de 80 %.",
              font: "regular",
            },
          ],
          [
            { text: "Profil : ", font: "bold" },
            {
              text: "chaque dimension est notée sur 100 et plus la note est haute, mieux c’est (le stress est exprimé en sérénité). Point d’attention sous 40, à renforcer de 40 à 54, plutôt solide de 55 à 69, point d’appui à partir de 70.",
              font: "regular",
            },
          ],
          [
            { text: "Plan : ", font: "bold" },
            {
              text: `les semaines sont datées à partir de la validation du bilan${
                zone
                  ? ` ; les vacances scolaires de la zone ${zone} sont sautées.`
                  : " ; la zone de vacances n’étant pas renseignée, aucune semaine de vacances n’est sautée."
              }`,
              font: "regular",
            },
          ],
        ],
        fill: palette.panel,
        accent: palette.accent,
        titleStyle: styles.h2,
        bodyStyle: styles.panel,
      },
      measure,
      page,
    ),
  );

  // Pedagogical profile, on one scale where higher is better.
  blocks.push(h1(sectionHeadings.profile));
  blocks.push(
    table(
      [
        { header: "Dimension", weight: 3.1 },
        { header: "Sur 100", weight: 1.3, align: "right" },
        { header: "Niveau", weight: 2.2 },
        { header: "Ce que cela signifie", weight: 7 },
      ],
      readProfile(profile).map((d) => ({
        cells: [d.label, String(d.score), d.levelLabel, d.meaning],
      })),
    ),
  );
  if (profile.traits.length > 0) {
    blocks.push(
      paragraph(
        [
          { text: "Réponses marquantes au questionnaire : ", font: "bold" },
          {
            text: `${profile.traits
              .map((t) =>
                t
                  .trim()
                  .replace(/[.\s]+$/u, "")
                  .replace(/'/g, "’"),
              )
              .join(" ; ")}.`,
            font: "regular",
          },
        ],
        { style: styles.small, spaceBefore: 2 },
      ),
    );
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
  const weeklyMax = Math.max(
    ...synthesis.studyPlan.map((w) => w.activities.reduce((sum, a) => sum + a.hours, 0)),
  );
  const first = dated.weeks[0];
  const skippedText =
    dated.skipped.length > 0
      ? ` Semaines sans travail prévu (${[...new Set(dated.skipped.map((k) => k.holiday))].join(", ")}) : ${dated.skipped
          .map((k) => formatWeekRangeFr(k.startDay, k.endDay))
          .join(", ")}.`
      : "";
  const availability = input.student.weeklyAvailabilityHours;
  blocks.push(
    paragraph(
      `${first ? `Le plan commence le lundi ${formatDayFr(first.startDay)}` : "Le plan commence dès la validation"}, avec au plus ${formatHoursFr(weeklyMax)} de travail par semaine${
        availability !== undefined
          ? `, dans la limite des ${formatHoursFr(availability)} déclarées disponibles`
          : ""
      }.${skippedText}`,
      { keepWithNext: true },
    ),
  );
  const totalHours = synthesis.studyPlan.reduce(
    (sum, week) => sum + week.activities.reduce((s, a) => s + a.hours, 0),
    0,
  );
  blocks.push(
    table(
      [
        { header: "Semaine", weight: 1.6, align: "center" },
        { header: "Objectifs", weight: 3.8 },
        { header: "Activités", weight: 4.8 },
        { header: "Heures", weight: 1.3, align: "right" },
      ],
      [
        ...synthesis.studyPlan.map((week, i) => ({
          cells: [
            dated.weeks[i]
              ? `${week.week}\n${formatWeekRangeFr(dated.weeks[i]!.startDay, dated.weeks[i]!.endDay)}`
              : String(week.week),
            week.objectives.map((o) => `• ${o}`).join("\n"),
            week.activities.map((a) => `• ${a.description} (${formatHoursFr(a.hours)})`).join("\n"),
            formatHoursFr(week.activities.reduce((s, a) => s + a.hours, 0)),
          ],
        })),
        { cells: ["Total", "", "", formatHoursFr(totalHours)], bold: true, fill: palette.panel },
      ],
    ),
  );
  // The plan's rows are tall: it may start with two weeks and break between rows (header
  // repeated) rather than leave a page two-thirds empty; its intro stays with it.
  (blocks[blocks.length - 1] as TableBlock).minStartRows = 2;

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
  /** Share of each page's frame height filled by content (header and footer excluded), 0–1. */
  fill: number[];
}

/** A page under a third full reads as a mistake; only the last page may be. */
export const MIN_PAGE_FILL = 1 / 3;

/** Indexes of the pages, other than the last, filled below `min` (see pageFill). */
export function underfilledPages(fill: readonly number[], min = MIN_PAGE_FILL): number[] {
  return fill.flatMap((f, i) => (i < fill.length - 1 && f < min ? [i] : []));
}

/** How far down its frame each page's content reaches (0 = empty, 1 = full). */
export function pageFill(pages: readonly LaidOutPage[]): number[] {
  const top = page.margin.top;
  const height = page.height - page.margin.bottom - top;
  return pages.map((p) => {
    let bottom = top;
    for (const c of p.commands) {
      const y =
        c.kind === "text"
          ? c.y + c.size * 0.25
          : c.kind === "rect"
            ? c.y + c.height
            : Math.max(c.y1, c.y2);
      // The cover band bleeds above the frame; only what lies in the frame counts.
      if (y > bottom) bottom = Math.min(y, top + height);
    }
    return (bottom - top) / height;
  });
}

/** Lays the whole report out: content flow first, then header/footer once the page count is known. */
export function layoutBilanReport(input: ParsedReportInput, measure: Measurer): BilanLayout {
  const blocks = bilanBlocks(input, measure);
  const flow = paginate(blocks, page, measure);
  const fill = pageFill(flow.pages);
  const pages = decoratePages(flow.pages, pageDecorations(input, measure));
  return { pages, blocks, blockPages: flow.blockPages, fill };
}
