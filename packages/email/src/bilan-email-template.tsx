// React Email template announcing a bilan to a parent or to the student:
// greeting, short summary, link to the dashboard, attached PDF, signature.
// Inside the shared frame (email-frame.tsx: banner, footer with the centre's address, the RGPD
// mention and the notice link). Presentation only: texts arrive ready (validated and
// formatted) from render-bilan-email.ts.
import { Heading, Hr, Section, Text } from "@react-email/components";
import { colors, EmailButton, EmailFrame, EmailSignature } from "./email-frame";

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

export function BilanEmail(props: BilanEmailContent) {
  return (
    <EmailFrame preview={props.preview} centreName={props.centreName} footer={props.footer}>
      <Heading as="h1" style={{ color: colors.navy, fontSize: 19, margin: "20px 0 12px" }}>
        {props.greeting}
      </Heading>
      <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>{props.intro}</Text>
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
        <Text style={{ color: colors.navy, fontSize: 14, fontWeight: 700, margin: "10px 0 4px" }}>
          {props.summaryTitle}
        </Text>
        <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px", marginTop: 0 }}>
          {props.summary}
        </Text>
      </Section>
      <EmailButton href={props.dashboardUrl} label={props.buttonLabel} hint={props.linkHint} />
      <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>
        {props.attachment}
      </Text>
      <Text style={{ color: colors.ink, fontSize: 15, lineHeight: "23px" }}>{props.closing}</Text>
      <Hr style={{ borderColor: "#D5DBE3", margin: "20px 0" }} />
      <EmailSignature lines={props.signature} />
    </EmailFrame>
  );
}
