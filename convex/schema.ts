// The whole data model. Each table group lives in convex/tables/ with a header
// saying who writes and reads it; access rules live in convex/model/access.ts.
import { defineSchema } from "convex/server";
import { ariaTables } from "./tables/aria";
import { bilanTables } from "./tables/bilans";
import { coachingTables } from "./tables/coaching";
import { credentialTables } from "./tables/credentials";
import { fileTables } from "./tables/files";
import { invitationTables } from "./tables/invitations";
import { jobTables } from "./tables/jobs";
import { knowledgeTables } from "./tables/knowledge";
import { llmTables } from "./tables/llm";
import { messageTables } from "./tables/messages";
import { notificationTables } from "./tables/notifications";
import { peopleTables } from "./tables/people";
import { presenceTables } from "./tables/presence";
import { rateLimitTables } from "./tables/rateLimits";
import { rgpdTables } from "./tables/rgpd";
import { statTables } from "./tables/stats";

export default defineSchema({
  ...peopleTables,
  ...credentialTables,
  ...bilanTables,
  ...jobTables,
  ...knowledgeTables,
  ...messageTables,
  ...llmTables,
  ...fileTables,
  ...presenceTables,
  ...rateLimitTables,
  ...statTables,
  ...invitationTables,
  ...ariaTables,
  ...notificationTables,
  ...rgpdTables,
  ...coachingTables,
});
