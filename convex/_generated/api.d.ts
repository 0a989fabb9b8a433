/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as health from "../health.js";
import type * as lib_errors from "../lib/errors.js";
import type * as lib_functions from "../lib/functions.js";
import type * as model_access from "../model/access.js";
import type * as model_jobs from "../model/jobs.js";
import type * as tables_bilans from "../tables/bilans.js";
import type * as tables_jobs from "../tables/jobs.js";
import type * as tables_knowledge from "../tables/knowledge.js";
import type * as tables_messages from "../tables/messages.js";
import type * as tables_people from "../tables/people.js";
import type * as validators from "../validators.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  health: typeof health;
  "lib/errors": typeof lib_errors;
  "lib/functions": typeof lib_functions;
  "model/access": typeof model_access;
  "model/jobs": typeof model_jobs;
  "tables/bilans": typeof tables_bilans;
  "tables/jobs": typeof tables_jobs;
  "tables/knowledge": typeof tables_knowledge;
  "tables/messages": typeof tables_messages;
  "tables/people": typeof tables_people;
  validators: typeof validators;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
