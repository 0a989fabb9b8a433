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
import type * as alerts from "../alerts.js";
import type * as apiKeys from "../apiKeys.js";
import type * as aria from "../aria.js";
import type * as ariaMemory from "../ariaMemory.js";
import type * as ariaSheets from "../ariaSheets.js";
import type * as audit from "../audit.js";
import type * as availability from "../availability.js";
import type * as bilans from "../bilans.js";
import type * as callers from "../callers.js";
import type * as checkout from "../checkout.js";
import type * as coachingMail from "../coachingMail.js";
import type * as consents from "../consents.js";
import type * as consistency from "../consistency.js";
import type * as credits from "../credits.js";
import type * as crons from "../crons.js";
import type * as documents from "../documents.js";
import type * as emailPreferences from "../emailPreferences.js";
import type * as emails from "../emails.js";
import type * as files from "../files.js";
import type * as health from "../health.js";
import type * as http from "../http.js";
import type * as ingestion from "../ingestion.js";
import type * as invitations from "../invitations.js";
import type * as jobs from "../jobs.js";
import type * as knowledge from "../knowledge.js";
import type * as lib_errors from "../lib/errors.js";
import type * as lib_functions from "../lib/functions.js";
import type * as lib_pagination from "../lib/pagination.js";
import type * as lib_redact from "../lib/redact.js";
import type * as lib_text from "../lib/text.js";
import type * as llmBudget from "../llmBudget.js";
import type * as model_access from "../model/access.js";
import type * as model_accountState from "../model/accountState.js";
import type * as model_alerts from "../model/alerts.js";
import type * as model_apiKeys from "../model/apiKeys.js";
import type * as model_aria from "../model/aria.js";
import type * as model_ariaCitations from "../model/ariaCitations.js";
import type * as model_ariaConversations from "../model/ariaConversations.js";
import type * as model_ariaJobs from "../model/ariaJobs.js";
import type * as model_ariaPersonalData from "../model/ariaPersonalData.js";
import type * as model_ariaSheets from "../model/ariaSheets.js";
import type * as model_audit from "../model/audit.js";
import type * as model_bilanHeads from "../model/bilanHeads.js";
import type * as model_bilanNotifications from "../model/bilanNotifications.js";
import type * as model_bilanPipeline from "../model/bilanPipeline.js";
import type * as model_bilans from "../model/bilans.js";
import type * as model_consents from "../model/consents.js";
import type * as model_consistency from "../model/consistency.js";
import type * as model_documentStatus from "../model/documentStatus.js";
import type * as model_documents from "../model/documents.js";
import type * as model_emailDelivery from "../model/emailDelivery.js";
import type * as model_emailPreferences from "../model/emailPreferences.js";
import type * as model_erasure from "../model/erasure.js";
import type * as model_exports from "../model/exports.js";
import type * as model_familyEmails from "../model/familyEmails.js";
import type * as model_files from "../model/files.js";
import type * as model_generationProgress from "../model/generationProgress.js";
import type * as model_identity from "../model/identity.js";
import type * as model_invitations from "../model/invitations.js";
import type * as model_jobCounts from "../model/jobCounts.js";
import type * as model_jobOutcomes from "../model/jobOutcomes.js";
import type * as model_jobPauses from "../model/jobPauses.js";
import type * as model_jobs from "../model/jobs.js";
import type * as model_llmBudget from "../model/llmBudget.js";
import type * as model_notifications from "../model/notifications.js";
import type * as model_paymentProvider from "../model/paymentProvider.js";
import type * as model_payments from "../model/payments.js";
import type * as model_personalData from "../model/personalData.js";
import type * as model_presence from "../model/presence.js";
import type * as model_provenance from "../model/provenance.js";
import type * as model_questionnaireView from "../model/questionnaireView.js";
import type * as model_queue from "../model/queue.js";
import type * as model_rateLimits from "../model/rateLimits.js";
import type * as model_retention from "../model/retention.js";
import type * as model_review from "../model/review.js";
import type * as model_rgpd from "../model/rgpd.js";
import type * as model_rgpdJobs from "../model/rgpdJobs.js";
import type * as model_search from "../model/search.js";
import type * as model_seed from "../model/seed.js";
import type * as model_seedCoaching from "../model/seedCoaching.js";
import type * as model_sessions from "../model/sessions.js";
import type * as model_stats from "../model/stats.js";
import type * as model_storageSweep from "../model/storageSweep.js";
import type * as model_studentOverview from "../model/studentOverview.js";
import type * as model_students from "../model/students.js";
import type * as model_subscriptions from "../model/subscriptions.js";
import type * as model_uploads from "../model/uploads.js";
import type * as model_users from "../model/users.js";
import type * as model_visio from "../model/visio.js";
import type * as model_wallets from "../model/wallets.js";
import type * as model_workers from "../model/workers.js";
import type * as notifications from "../notifications.js";
import type * as operator from "../operator.js";
import type * as payments from "../payments.js";
import type * as pipeline from "../pipeline.js";
import type * as presence from "../presence.js";
import type * as provenance from "../provenance.js";
import type * as retention from "../retention.js";
import type * as review from "../review.js";
import type * as rgpd from "../rgpd.js";
import type * as seed from "../seed.js";
import type * as sessions from "../sessions.js";
import type * as stats from "../stats.js";
import type * as students from "../students.js";
import type * as tables_aria from "../tables/aria.js";
import type * as tables_bilans from "../tables/bilans.js";
import type * as tables_coaching from "../tables/coaching.js";
import type * as tables_credentials from "../tables/credentials.js";
import type * as tables_files from "../tables/files.js";
import type * as tables_invitations from "../tables/invitations.js";
import type * as tables_jobs from "../tables/jobs.js";
import type * as tables_knowledge from "../tables/knowledge.js";
import type * as tables_llm from "../tables/llm.js";
import type * as tables_messages from "../tables/messages.js";
import type * as tables_notifications from "../tables/notifications.js";
import type * as tables_people from "../tables/people.js";
import type * as tables_presence from "../tables/presence.js";
import type * as tables_rateLimits from "../tables/rateLimits.js";
import type * as tables_rgpd from "../tables/rgpd.js";
import type * as tables_stats from "../tables/stats.js";
import type * as users from "../users.js";
import type * as validators from "../validators.js";
import type * as workers from "../workers.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  alerts: typeof alerts;
  apiKeys: typeof apiKeys;
  aria: typeof aria;
  ariaMemory: typeof ariaMemory;
  ariaSheets: typeof ariaSheets;
  audit: typeof audit;
  availability: typeof availability;
  bilans: typeof bilans;
  callers: typeof callers;
  checkout: typeof checkout;
  coachingMail: typeof coachingMail;
  consents: typeof consents;
  consistency: typeof consistency;
  credits: typeof credits;
  crons: typeof crons;
  documents: typeof documents;
  emailPreferences: typeof emailPreferences;
  emails: typeof emails;
  files: typeof files;
  health: typeof health;
  http: typeof http;
  ingestion: typeof ingestion;
  invitations: typeof invitations;
  jobs: typeof jobs;
  knowledge: typeof knowledge;
  "lib/errors": typeof lib_errors;
  "lib/functions": typeof lib_functions;
  "lib/pagination": typeof lib_pagination;
  "lib/redact": typeof lib_redact;
  "lib/text": typeof lib_text;
  llmBudget: typeof llmBudget;
  "model/access": typeof model_access;
  "model/accountState": typeof model_accountState;
  "model/alerts": typeof model_alerts;
  "model/apiKeys": typeof model_apiKeys;
  "model/aria": typeof model_aria;
  "model/ariaCitations": typeof model_ariaCitations;
  "model/ariaConversations": typeof model_ariaConversations;
  "model/ariaJobs": typeof model_ariaJobs;
  "model/ariaPersonalData": typeof model_ariaPersonalData;
  "model/ariaSheets": typeof model_ariaSheets;
  "model/audit": typeof model_audit;
  "model/bilanHeads": typeof model_bilanHeads;
  "model/bilanNotifications": typeof model_bilanNotifications;
  "model/bilanPipeline": typeof model_bilanPipeline;
  "model/bilans": typeof model_bilans;
  "model/consents": typeof model_consents;
  "model/consistency": typeof model_consistency;
  "model/documentStatus": typeof model_documentStatus;
  "model/documents": typeof model_documents;
  "model/emailDelivery": typeof model_emailDelivery;
  "model/emailPreferences": typeof model_emailPreferences;
  "model/erasure": typeof model_erasure;
  "model/exports": typeof model_exports;
  "model/familyEmails": typeof model_familyEmails;
  "model/files": typeof model_files;
  "model/generationProgress": typeof model_generationProgress;
  "model/identity": typeof model_identity;
  "model/invitations": typeof model_invitations;
  "model/jobCounts": typeof model_jobCounts;
  "model/jobOutcomes": typeof model_jobOutcomes;
  "model/jobPauses": typeof model_jobPauses;
  "model/jobs": typeof model_jobs;
  "model/llmBudget": typeof model_llmBudget;
  "model/notifications": typeof model_notifications;
  "model/paymentProvider": typeof model_paymentProvider;
  "model/payments": typeof model_payments;
  "model/personalData": typeof model_personalData;
  "model/presence": typeof model_presence;
  "model/provenance": typeof model_provenance;
  "model/questionnaireView": typeof model_questionnaireView;
  "model/queue": typeof model_queue;
  "model/rateLimits": typeof model_rateLimits;
  "model/retention": typeof model_retention;
  "model/review": typeof model_review;
  "model/rgpd": typeof model_rgpd;
  "model/rgpdJobs": typeof model_rgpdJobs;
  "model/search": typeof model_search;
  "model/seed": typeof model_seed;
  "model/seedCoaching": typeof model_seedCoaching;
  "model/sessions": typeof model_sessions;
  "model/stats": typeof model_stats;
  "model/storageSweep": typeof model_storageSweep;
  "model/studentOverview": typeof model_studentOverview;
  "model/students": typeof model_students;
  "model/subscriptions": typeof model_subscriptions;
  "model/uploads": typeof model_uploads;
  "model/users": typeof model_users;
  "model/visio": typeof model_visio;
  "model/wallets": typeof model_wallets;
  "model/workers": typeof model_workers;
  notifications: typeof notifications;
  operator: typeof operator;
  payments: typeof payments;
  pipeline: typeof pipeline;
  presence: typeof presence;
  provenance: typeof provenance;
  retention: typeof retention;
  review: typeof review;
  rgpd: typeof rgpd;
  seed: typeof seed;
  sessions: typeof sessions;
  stats: typeof stats;
  students: typeof students;
  "tables/aria": typeof tables_aria;
  "tables/bilans": typeof tables_bilans;
  "tables/coaching": typeof tables_coaching;
  "tables/credentials": typeof tables_credentials;
  "tables/files": typeof tables_files;
  "tables/invitations": typeof tables_invitations;
  "tables/jobs": typeof tables_jobs;
  "tables/knowledge": typeof tables_knowledge;
  "tables/llm": typeof tables_llm;
  "tables/messages": typeof tables_messages;
  "tables/notifications": typeof tables_notifications;
  "tables/people": typeof tables_people;
  "tables/presence": typeof tables_presence;
  "tables/rateLimits": typeof tables_rateLimits;
  "tables/rgpd": typeof tables_rgpd;
  "tables/stats": typeof tables_stats;
  users: typeof users;
  validators: typeof validators;
  workers: typeof workers;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
