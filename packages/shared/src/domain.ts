// Domain vocabulary shared by Convex, the worker and the web app: the zod schemas of the
// value lists, and (re-exported) the lists, types and labels of ./vocabulary, which the
// browser imports directly so that it does not load zod.
// Pure data and zod schemas only: no I/O may enter this package.
import { z } from "zod";
import "./zod-fr";
import { bilanStatuses, masteryLevels, niveaux, roles, statuts, subjects } from "./vocabulary";

export * from "./vocabulary";

export const zRole = z.enum(roles);
export const zNiveau = z.enum(niveaux);
export const zStatut = z.enum(statuts);
export const zSubject = z.enum(subjects);
export const zBilanStatus = z.enum(bilanStatuses);
export const zMastery = z.enum(masteryLevels);
