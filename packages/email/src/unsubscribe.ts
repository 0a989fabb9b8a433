// The unsubscribe link of e-mails a person may turn off (non-essential kinds): a page that
// works signed out (/desabonnement/<signed token>) and the List-Unsubscribe headers mail
// clients show as « Se désabonner » (RFC 2369; one-click POST, RFC 8058).

export function unsubscribeUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/+$/, "")}/desabonnement/${encodeURIComponent(token)}`;
}

export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${url}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

/** The information notice on personal data, linked from every e-mail's footer. */
export function privacyNoticeUrl(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, "")}/confidentialite`;
}
