// Mastery levels as the results pages show them: a French label and a colour that is never
// the only signal (the label is always written next to it).
import { type Mastery, masteryLabels } from "@nexus/shared/vocabulary";
import { Badge, type BadgeTone } from "~/components/ui/badge";

export const masteryColors: Record<Mastery, string> = {
  non_acquis: "#b91c1c",
  en_cours: "#b45309",
  acquis: "#0369a1",
  maitrise: "#047857",
};

const masteryTones: Record<Mastery, BadgeTone> = {
  non_acquis: "danger",
  en_cours: "progress",
  acquis: "info",
  maitrise: "success",
};

export function MasteryBadge({ mastery }: { mastery: Mastery }) {
  return <Badge tone={masteryTones[mastery]}>{masteryLabels[mastery]}</Badge>;
}
