// React Email template of an invitation to the centre's space: who invites, as what, the
// single-use link and its expiry. Presentation only: texts arrive ready from
// render-invitation-email.ts. Inside the shared frame (email-frame.tsx); an invitation is
// transactional: no unsubscribe link.
import { Heading, Hr, Section, Text } from "@react-email/components";
import { colors, EmailButton, EmailFrame, EmailSignature, paragraph } from "./email-frame";

export interface InvitationEmailContent {
  preview: string;
  centreName: string;
  greeting: string;
  intro: string;
  roleLine: string;
  buttonLabel: string;
  acceptUrl: string;
  linkHint: string;
  expiry: string;
  safety: string;
  signature: string[];
}

export function InvitationEmail(props: InvitationEmailContent) {
  return (
    <EmailFrame preview={props.preview} centreName={props.centreName}>
      <Heading as="h1" style={{ color: colors.navy, fontSize: 19, margin: "20px 0 12px" }}>
        {props.greeting}
      </Heading>
      <Text style={paragraph}>{props.intro}</Text>
      <Section
        style={{
          backgroundColor: "#F2F5F9",
          borderLeft: `3px solid ${colors.accent}`,
          padding: "4px 16px",
          margin: "16px 0",
        }}
      >
        <Text style={{ ...paragraph, margin: "10px 0" }}>{props.roleLine}</Text>
      </Section>
      <EmailButton href={props.acceptUrl} label={props.buttonLabel} hint={props.linkHint} />
      <Text style={{ ...paragraph, fontWeight: 700 }}>{props.expiry}</Text>
      <Text style={{ color: colors.muted, fontSize: 13, lineHeight: "20px" }}>{props.safety}</Text>
      <Hr style={{ borderColor: "#D5DBE3", margin: "20px 0" }} />
      <EmailSignature lines={props.signature} />
    </EmailFrame>
  );
}
