// ConvexError codes → what a person reads, in French. The functions already write a precise
// French message in the error data; it is used when present, else the generic line for the
// code. Codes are read from the error data, never by matching message text. Browser-safe.
import { formatRetryWhenFr } from "@nexus/shared/french-time";
import { ConvexError } from "convex/values";

export const errorCodes = [
  "UNAUTHENTICATED",
  "UNKNOWN_USER",
  "NO_ROLE",
  "FORBIDDEN",
  "NOT_FOUND",
  "INVALID_ARGUMENT",
  "INVALID_STATE",
  "RATE_LIMITED",
  "CONFLICT",
] as const;
export type KnownErrorCode = (typeof errorCodes)[number];

export const genericMessages: Record<KnownErrorCode | "UNEXPECTED", string> = {
  UNAUTHENTICATED: "Votre session a expiré. Reconnectez-vous pour continuer.",
  UNKNOWN_USER: "Votre compte n'est pas encore prêt. Reconnectez-vous pour continuer.",
  NO_ROLE: "Le centre ne vous a pas encore donné accès à cet espace.",
  FORBIDDEN: "Vous n'avez pas accès à cette information.",
  NOT_FOUND: "Cet élément est introuvable : il a peut-être été supprimé.",
  INVALID_ARGUMENT: "Certaines informations saisies ne sont pas valides.",
  INVALID_STATE: "Cette action n'est plus possible : la page n'est peut-être plus à jour.",
  RATE_LIMITED: "Trop de demandes en peu de temps : réessayez un peu plus tard.",
  CONFLICT:
    "Quelqu'un d'autre a modifié ce texte entre-temps : rechargez la dernière version avant d'enregistrer.",
  UNEXPECTED: "Une erreur inattendue s'est produite. Réessayez dans un instant.",
};

export interface UserFacingError {
  code: KnownErrorCode | "UNEXPECTED";
  message: string;
  /** RATE_LIMITED only: how long before the same call may succeed. */
  retryAfterMs?: number;
  /** CONFLICT only: the version to reload before saving again. */
  currentVersion?: number;
}

function isKnownCode(code: unknown): code is KnownErrorCode {
  return typeof code === "string" && (errorCodes as readonly string[]).includes(code);
}

/** Any thrown value → a French message for the person, with its code. */
export function toUserError(error: unknown, now: number = Date.now()): UserFacingError {
  if (!(error instanceof ConvexError)) {
    return { code: "UNEXPECTED", message: genericMessages.UNEXPECTED };
  }
  const data = (typeof error.data === "object" && error.data !== null ? error.data : {}) as {
    code?: unknown;
    message?: unknown;
    retryAfterMs?: unknown;
  };
  if (!isKnownCode(data.code)) {
    return { code: "UNEXPECTED", message: genericMessages.UNEXPECTED };
  }
  const fromServer = typeof data.message === "string" && data.message.trim() ? data.message : null;
  if (data.code === "RATE_LIMITED") {
    const retryAfterMs = typeof data.retryAfterMs === "number" ? data.retryAfterMs : undefined;
    const message =
      fromServer ??
      (retryAfterMs === undefined
        ? genericMessages.RATE_LIMITED
        : `Trop de demandes en peu de temps : réessayez ${formatRetryWhenFr(now, now + retryAfterMs)}.`);
    return retryAfterMs === undefined
      ? { code: data.code, message }
      : { code: data.code, message, retryAfterMs };
  }
  const message = fromServer ?? genericMessages[data.code];
  const { currentVersion } = data as { currentVersion?: unknown };
  if (data.code === "CONFLICT" && typeof currentVersion === "number") {
    return { code: data.code, message, currentVersion };
  }
  return { code: data.code, message };
}

/** The French text for an HTTP status thrown by a loader (error boundary). */
export function messageForStatus(status: number): { title: string; text: string } {
  if (status === 404) {
    return {
      title: "Page introuvable",
      text: "Cette page n'existe pas ou a été déplacée. Vérifiez l'adresse ou revenez à l'accueil.",
    };
  }
  if (status === 403) {
    return {
      title: "Accès refusé",
      text: "Cette page n'est pas accessible avec votre compte. Si vous pensez que c'est une erreur, contactez le centre.",
    };
  }
  if (status === 401) {
    return { title: "Connexion nécessaire", text: genericMessages.UNAUTHENTICATED };
  }
  if (status === 429) return { title: "Trop de demandes", text: genericMessages.RATE_LIMITED };
  return {
    title: "Une erreur s'est produite",
    text: "Le service n'a pas pu afficher cette page. Réessayez dans un instant ; si le problème persiste, contactez le centre.",
  };
}
