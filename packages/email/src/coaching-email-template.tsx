// React Email template of the coaching messages (booking confirmation, reminders, payment
// receipt): a heading, a few lines, an optional details box and an optional button. Presentation
// only: texts arrive ready from render-coaching-email.ts.
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Html,
  Preview,
  Section,
  Text,
} from "@react-email/components";

export interface CoachingEmailContent {
  preview: string;
  centreName: string;
  greeting: string;
  title: string;
  lines: string[];
  details: { label: string; value: string }[];
  button?: { label: string; url: string };
  footer: string[];
}

const colors = { navy: "#1F3A5F", accent: "#2A9D8F", ink: "#1E2430", muted: "#5F6B7A" };
const font = "'DejaVu Sans', Verdana, Arial, sans-serif";
const paragraph = { color: colors.ink, fontSize: 15, lineHeight: "23px" };

export function CoachingEmail(props: CoachingEmailContent) {
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
              {props.title}
            </Heading>
            <Text style={paragraph}>{props.greeting}</Text>
            {props.lines.map((line) => (
              <Text key={line} style={paragraph}>
                {line}
              </Text>
            ))}
            {props.details.length > 0 ? (
              <Section
                style={{
                  backgroundColor: "#F2F5F9",
                  borderLeft: `3px solid ${colors.accent}`,
                  padding: "4px 16px",
                  margin: "16px 0",
                }}
              >
                {props.details.map((d) => (
                  <Text key={d.label} style={{ ...paragraph, margin: "8px 0" }}>
                    <strong>{d.label} :</strong> {d.value}
                  </Text>
                ))}
              </Section>
            ) : null}
            {props.button ? (
              <Section style={{ textAlign: "center", margin: "24px 0 8px" }}>
                <Button
                  href={props.button.url}
                  style={{
                    backgroundColor: colors.navy,
                    borderRadius: 4,
                    color: "#FFFFFF",
                    fontSize: 15,
                    fontWeight: 700,
                    padding: "12px 22px",
                  }}
                >
                  {props.button.label}
                </Button>
              </Section>
            ) : null}
            {props.footer.map((line) => (
              <Text key={line} style={{ ...paragraph, color: colors.muted, fontSize: 13 }}>
                {line}
              </Text>
            ))}
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
