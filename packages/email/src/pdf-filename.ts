// The report's file name as attached to the bilan e-mail, e.g. "Bilan-maths-Zoe-Lefevre-v2.pdf"
// (ASCII only). Shared by the worker that attaches it and the console that shows the e-mail.
export function pdfFilename(subject: string, firstName: string, lastName: string, version: number) {
  const ascii = (text: string) =>
    text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  return `Bilan-${ascii(subject)}-${ascii(firstName)}-${ascii(lastName)}-v${version}.pdf`;
}
