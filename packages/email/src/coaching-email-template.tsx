// React Email template of the coaching messages (booking confirmation, reminders, payment
// receipt): a heading, a few lines, an optional details box and an optional button, inside the
// shared frame (email-frame.tsx: banner, footer with the RGPD mention, the notice link and, on
// reminders, the unsubscribe link). Presentation only: texts arrive ready from
// render-coaching-email.ts.
import { Heading, Section, Text } from "@react-email/components";
import { colors, EmailButton, type EmailFooter, EmailFrame, paragraph } from "./email-frame";

export interface CoachingEmailContent {
  preview: string;
  centreName: string;
  greeting: string;
  title: string;
  lines: string[];
  details: { label: string; value: string }[];
  button?: { label: string; url: string };
  /** Signature-like lines at the end of the message (policy reminder, « L’équipe … »). */
  closing: string[];
  footer: EmailFooter;
}

export function CoachingEmail(props: CoachingEmailContent) {
  return (
    <EmailFrame preview={props.preview} centreName={props.centreName} footer={props.footer}>
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
      {props.button ? <EmailButton href={props.button.url} label={props.button.label} /> : null}
      {props.closing.map((line) => (
        <Text key={line} style={{ ...paragraph, color: colors.muted, fontSize: 13 }}>
          {line}
        </Text>
      ))}
    </EmailFrame>
  );
}
