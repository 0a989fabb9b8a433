// The « Familles et personnes » console: labels and the parsing of its URL and forms.
// Pure and browser-safe; the server validates everything again (INVALID_ARGUMENT in French).
import { type Niveau, niveaux, type Role, roles, type Statut } from "@nexus/shared/vocabulary";

export const statutLabels: Record<Statut, string> = {
  scolarise: "Scolarisé",
  candidat_libre: "Candidat libre",
};

export type FamiliesView = "eleves" | "personnes";

/** The people filter: every account, one role, or the newcomers without a role. */
export type PeopleFilter = { kind: "all" } | { kind: "role"; role: Role } | { kind: "noRole" };

export const NO_ROLE_PARAM = "sans-role";

export interface FamiliesQuery {
  view: FamiliesView;
  /** A trimmed search text, "" when none. */
  search: string;
  /** The Convex cursor of the page shown, null for the first. */
  cursor: string | null;
  filter: PeopleFilter;
}

export function parseFamiliesQuery(params: URLSearchParams): FamiliesQuery {
  const view: FamiliesView = params.get("vue") === "personnes" ? "personnes" : "eleves";
  const search = (params.get("q") ?? "").trim().slice(0, 100);
  const cursor = params.get("page") || null;
  const role = params.get("role");
  const filter: PeopleFilter =
    role === NO_ROLE_PARAM
      ? { kind: "noRole" }
      : role && (roles as readonly string[]).includes(role)
        ? { kind: "role", role: role as Role }
        : { kind: "all" };
  return { view, search, cursor, filter };
}

/** users.list arguments for a filter (without the pagination). */
export function listArgsFor(filter: PeopleFilter): { role?: Role; withoutRole?: boolean } {
  if (filter.kind === "role") return { role: filter.role };
  if (filter.kind === "noRole") return { withoutRole: true };
  return {};
}

/** The URL of the same view with some parameters changed (null removes one). */
export function familiesHref(
  current: URLSearchParams,
  changes: Record<string, string | null>,
): string {
  const next = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  return text ? `/admin/familles?${text}` : "/admin/familles";
}

/** Spécialités typed as one comma- or line-separated list, without blanks or repeats. */
export function parseSpecialites(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\n;]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

export interface StudentFormValues {
  firstName: string;
  lastName: string;
  niveau: Niveau;
  statut: Statut;
  specialites: string[];
  school?: string;
  /** "YYYY-MM-DD" from the date field; absent when left empty. */
  birthDate?: string;
}

/** Reads the élève form; the server checks lengths and required names again. */
export function studentFromForm(form: FormData): StudentFormValues {
  const text = (name: string) => String(form.get(name) ?? "");
  const niveau = text("niveau");
  const statut = text("statut");
  const school = text("school").trim();
  const birthDate = text("birthDate").trim();
  return {
    firstName: text("firstName"),
    lastName: text("lastName"),
    niveau: (niveaux as readonly string[]).includes(niveau) ? (niveau as Niveau) : "seconde",
    statut: statut === "candidat_libre" ? "candidat_libre" : "scolarise",
    specialites: parseSpecialites(text("specialites")),
    ...(school ? { school } : {}),
    ...(birthDate ? { birthDate } : {}),
  };
}

/** « Léa Martin » for a student row. */
export function studentName(student: { firstName: string; lastName: string }): string {
  return `${student.firstName} ${student.lastName}`;
}

/** Only an admin changes roles or deactivates accounts; never their own. */
export function canManageAccount(viewer: { _id: string; role?: Role }, target: { _id: string }) {
  return viewer.role === "admin" && viewer._id !== target._id;
}
