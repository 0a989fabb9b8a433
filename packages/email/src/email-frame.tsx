// The frame every branded e-mail shares (bilan, invitation, coaching): the centre's banner, the
// white card the template fills, and the footer — centre's address, the RGPD mention, the link
// to the information notice and, on e-mails a person may turn off, the unsubscribe link.
// Presentation only; the texts arrive ready from the render-*.ts modules.
import {
  Body,
  Button,
  Container,
  Head,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";

export const colors = { navy: "#1F3A5F", accent: "#2A9D8F", ink: "#1E2430", muted: "#5F6B7A" };
export const font = "'DejaVu Sans', Verdana, Arial, sans-serif";
export const paragraph = { color: colors.ink, fontSize: 15, lineHeight: "23px" };

export interface EmailFooter {
  /** Address, how to reach the centre, the RGPD mention: one paragraph each. */
  lines: string[];
  /** The information notice on personal data. */
  privacyUrl?: string;
  privacyLabel?: string;
  /** Non-essential e-mails only: the signed-out unsubscribe page (or the preferences page). */
  unsubscribeUrl?: string;
  unsubscribeLabel?: string;
}

export interface EmailFrameProps {
  preview: string;
  centreName: string;
  footer?: EmailFooter;
  children: ReactNode;
}

const footerText = { color: colors.muted, fontSize: 12, lineHeight: "18px", margin: "4px 0" };

export function EmailFrame({ preview, centreName, footer, children }: EmailFrameProps) {
  const hasFooter =
    footer && (footer.lines.length > 0 || footer.privacyUrl || footer.unsubscribeUrl);
  return (
    <Html lang="fr" dir="ltr">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#F2F5F9", fontFamily: font, margin: 0, padding: "24px 0" }}>
        <Container style={{ backgroundColor: "#FFFFFF", maxWidth: 560, borderRadius: 6 }}>
          <Section
            style={{
              backgroundColor: colors.navy,
              borderBottom: `4px solid ${colors.accent}`,
              borderRadius: "6px 6px 0 0",
              padding: "20px 28px",
            }}
          >
            <Text style={{ color: "#FFFFFF", fontSize: 20, fontWeight: 700, margin: 0 }}>
              {centreName}
            </Text>
          </Section>
          <Section style={{ padding: "8px 28px 24px" }}>{children}</Section>
          {hasFooter ? (
            <Section
              style={{
                backgroundColor: "#F7F9FB",
                borderTop: "1px solid #D5DBE3",
                borderRadius: "0 0 6px 6px",
                padding: "14px 28px 18px",
              }}
            >
              {footer.lines.map((line) => (
                <Text key={line} style={footerText}>
                  {line}
                </Text>
              ))}
              {footer.privacyUrl ? (
                <Text style={{ ...footerText, color: colors.ink }}>
                  <Link href={footer.privacyUrl} style={{ color: colors.navy }}>
                    {footer.privacyLabel ?? "Vos données personnelles"}
                  </Link>
                </Text>
              ) : null}
              {footer.unsubscribeUrl ? (
                <Text style={{ ...footerText, color: colors.ink }}>
                  <Link href={footer.unsubscribeUrl} style={{ color: colors.navy }}>
                    {footer.unsubscribeLabel ?? "Ne plus recevoir ces e-mails"}
                  </Link>
                </Text>
              ) : null}
            </Section>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}

/** The one call to action of an e-mail, centred, with the bare link under it when `hint` is set
 * (some mail clients block buttons; the address stays copyable). */
export function EmailButton({ href, label, hint }: { href: string; label: string; hint?: string }) {
  return (
    <>
      <Section style={{ textAlign: "center", margin: "24px 0 8px" }}>
        <Button
          href={href}
          style={{
            backgroundColor: colors.navy,
            borderRadius: 4,
            color: "#FFFFFF",
            fontSize: 15,
            fontWeight: 700,
            padding: "12px 22px",
          }}
        >
          {label}
        </Button>
      </Section>
      {hint ? (
        <Text style={{ color: colors.muted, fontSize: 12, lineHeight: "18px" }}>
          {hint}{" "}
          <Link href={href} style={{ color: colors.navy }}>
            {href}
          </Link>
        </Text>
      ) : null}
    </>
  );
}

/** The signature block: the first line (a person or the centre) stands out. */
export function EmailSignature({ lines }: { lines: string[] }) {
  return lines.map((line, i) => (
    <Text
      key={line}
      style={{
        color: i === 0 ? colors.ink : colors.muted,
        fontSize: i === 0 ? 14 : 12,
        fontWeight: i === 0 ? 700 : 400,
        margin: "2px 0",
      }}
    >
      {line}
    </Text>
  ));
}
