// The PDF receipt of a paid payment (pdf-lib, standard Helvetica with WinAnsi: French accents
// and « € » are in that encoding). One A4 page: centre, reference, payer, student, offer,
// amount, method, date.
import { formatParisDateTime } from "@nexus/shared/coaching-time";
import { formatEuros, type PaymentMethod, paymentMethodLabels } from "@nexus/shared/credits";
import { PDFDocument, rgb, StandardFonts } from "pdf-lib";

export interface ReceiptInput {
  centreName: string;
  reference: string;
  payerName: string;
  studentName: string;
  productName: string;
  credits: number;
  amountCents: number;
  method: PaymentMethod;
  paidAt: number;
}

/** WinAnsi has no narrow no-break space: Intl's U+202F becomes a plain no-break space. */
function winAnsi(s: string): string {
  return s.replaceAll("\u202f", "\u00a0").replaceAll("’", "'");
}

export async function receiptPdf(input: ReceiptInput): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Reçu ${input.reference}`);
  doc.setLanguage("fr-FR");
  doc.setCreator(input.centreName);
  const page = doc.addPage([595.28, 841.89]);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const navy = rgb(0.12, 0.23, 0.37);
  let y = 780;
  page.drawText(winAnsi(input.centreName), { x: 56, y, size: 20, font: bold, color: navy });
  y -= 40;
  page.drawText(winAnsi(`Reçu de paiement n° ${input.reference}`), {
    x: 56,
    y,
    size: 15,
    font: bold,
  });
  y -= 36;
  const rows: [string, string][] = [
    ["Payé par", input.payerName],
    ["Élève", input.studentName],
    ["Offre", input.productName],
    ["Crédits", String(input.credits)],
    ["Montant", formatEuros(input.amountCents)],
    ["Moyen de paiement", paymentMethodLabels[input.method]],
    ["Date du paiement", formatParisDateTime(input.paidAt)],
  ];
  for (const [label, value] of rows) {
    page.drawText(winAnsi(label), { x: 56, y, size: 11, font: bold });
    page.drawText(winAnsi(value), { x: 220, y, size: 11, font: regular });
    y -= 22;
  }
  y -= 20;
  page.drawText(winAnsi("Montant TTC. Reçu émis automatiquement, sans signature."), {
    x: 56,
    y,
    size: 9,
    font: regular,
    color: rgb(0.37, 0.42, 0.48),
  });
  return new Uint8Array(await doc.save());
}
