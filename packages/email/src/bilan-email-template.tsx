// React Email template announcing a bilan to a parent or to the student:
// greeting, short summary, link to the dashboard, attached PDF, signature.
// Presentation only: texts arrive ready (validated and formatted) from
// render-bilan-email.ts.
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";

export interface BilanEmailContent {
  preview: string;
  centreName: string;
  greeting: string;
  intro: string;
  summaryTitle: string;
  summary: string;
  buttonLabel: string;
  dashboardUrl: string;
  linkHint: string;
  attachment: string;
  closing: string;
  signature: string[];
  /** One sentence on the progress since the previous bilan. */
  progress?: string;
  /** Centre's address, how to reach the coach, the RGPD notice (and its link when configured). */
  footer: { lines: string[]; privacyUrl?: string; privacyLabel: string };
}

const colors = { navy: "#1F3A5F", accent: "#2A9D8F", ink: "#1E2430", muted: "#5F6B7A" };
const font = "'DejaVu Sans', Verdana, Arial, sans-serif";

export function BilanEmail(props: BilanEmailContent) {
  return (
    <Html lang="fr" dir="ltr">
      <Head />
      <Preview>{props.preview}</Preview>
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
              {props.centreName}
            </Text>
          </Section>
          <Section style={{ padding: "8px 28px 24px" }}>
            <Heading as="h1" style={{ color: colors.navy, fontSize: 19, margin: "20px 0 12px" }}>
              {props.greeting}
            </Heading>
            <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>
              {props.intro}
            </Text>
            {props.progress ? (
              <Text
                style={{
                  color: colors.ink,
                  fontSize: 15,
                  lineHeight: "23px",
                  fontWeight: 700,
                }}
              >
                {props.progress}
              </Text>
            ) : null}
            <Section
              style={{
                backgroundColor: "#F2F5F9",
                borderLeft: `3px solid ${colors.accent}`,
                padding: "4px 16px",
                margin: "16px 0",
              }}
            >
              <Text
                style={{ color: colors.navy, fontSize: 14, fontWeight: 700, margin: "10px 0 4px" }}
              >
                {props.summaryTitle}
              </Text>
              <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px", marginTop: 0 }}>
                {props.summary}
              </Text>
            </Section>
            <Section style={{ textAlign: "center", margin: "24px 0 8px" }}>
              <Button
                href={props.dashboardUrl}
                style={{
                  backgroundColor: colors.navy,
                  borderRadius: 4,
                  color: "#FFFFFF",
                  fontSize: 15,
                  fontWeight: 700,
                  padding: "12px 22px",
                }}
              >
                {props.buttonLabel}
              </Button>
            </Section>
            <Text style={{ color: colors.muted, fontSize: 12, lineHeight: "18px" }}>
              {props.linkHint}{" "}
              <Link href={props.dashboardUrl} style={{ color: colors.navy }}>
                {props.dashboardUrl}
              </Link>
            </Text>
            <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>
              {props.attachment}
            </Text>
            <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>
              {props.closing}
            </Text>
            <Hr style={{ borderColor: "#D5DBE3", margin: "20px 0" }} />
            {props.signature.map((line, i) => (
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
            ))}
          </Section>
          <Section
            style={{
              backgroundColor: "#F7F9FB",
              borderTop: "1px solid #D5DBE3",
              borderRadius: "0 0 6px 6px",
              padding: "14px 28px 18px",
            }}
          >
            {props.footer.lines.map((line) => (
              <Text
                key={line}
                style={{ color: colors.muted, fontSize: 12, lineHeight: "18px", margin: "4px 0" }}
              >
                {line}
              </Text>
            ))}
            {props.footer.privacyUrl ? (
              <Text style={{ fontSize: 12, lineHeight: "18px", margin: "4px 0" }}>
                <Link href={props.footer.privacyUrl} style={{ color: colors.navy }}>
                  {props.footer.privacyLabel}
                </Link>
              </Text>
            ) : null}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
