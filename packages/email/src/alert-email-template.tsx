// React Email template of a short operational alert for administrators
// (a job that keeps failing, a queue backlog…). Presentation only.
import {
  Body,
  Container,
  Head,
  Heading,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from "@react-email/components";

export interface AlertEmailContent {
  preview: string;
  centreName: string;
  title: string;
  message: string;
  details: Array<{ label: string; value: string }>;
  occurredAt: string;
  adminUrl?: string;
  /** The information notice on personal data (every e-mail links it). */
  privacyUrl?: string;
  /** Alerts are non-essential: the recipient may turn them off (signed-out link). */
  unsubscribeUrl?: string;
}

const font = "'DejaVu Sans', Verdana, Arial, sans-serif";

export function AlertEmail(props: AlertEmailContent) {
  return (
    <Html lang="fr" dir="ltr">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={{ backgroundColor: "#FFFFFF", fontFamily: font, color: "#1E2430" }}>
        <Container style={{ maxWidth: 560, padding: "8px 20px" }}>
          <Text style={{ color: "#B35900", fontSize: 12, fontWeight: 700, margin: "12px 0 0" }}>
            ALERTE · {props.centreName}
          </Text>
          <Heading as="h1" style={{ fontSize: 18, margin: "6px 0 10px", color: "#1F3A5F" }}>
            {props.title}
          </Heading>
          <Text style={{ fontSize: 14, lineHeight: "21px" }}>{props.message}</Text>
          {props.details.length > 0 && (
            <Section style={{ backgroundColor: "#F2F5F9", padding: "6px 14px", margin: "8px 0" }}>
              {props.details.map((d) => (
                <Text key={d.label} style={{ fontSize: 13, margin: "4px 0" }}>
                  <strong>{d.label} :</strong> {d.value}
                </Text>
              ))}
            </Section>
          )}
          <Text style={{ fontSize: 12, color: "#5F6B7A" }}>Détectée le {props.occurredAt}.</Text>
          {props.adminUrl && (
            <Text style={{ fontSize: 13 }}>
              <Link href={props.adminUrl} style={{ color: "#1F3A5F" }}>
                Ouvrir la console d’administration
              </Link>
            </Text>
          )}
          {(props.privacyUrl || props.unsubscribeUrl) && (
            <Text style={{ fontSize: 11, color: "#5F6B7A", marginTop: 18 }}>
              {props.privacyUrl && (
                <Link href={props.privacyUrl} style={{ color: "#5F6B7A" }}>
                  Vos données personnelles
                </Link>
              )}
              {props.privacyUrl && props.unsubscribeUrl ? " · " : null}
              {props.unsubscribeUrl && (
                <Link href={props.unsubscribeUrl} style={{ color: "#5F6B7A" }}>
                  Ne plus recevoir ces alertes par e-mail
                </Link>
              )}
            </Text>
          )}
        </Container>
      </Body>
    </Html>
  );
}
