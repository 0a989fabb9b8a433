// Token buckets of the per-person rate limits (convex/model/rateLimits.ts): one row per
// (limit name, key), key being a user, student or bilan id. Written and read only by
// model/rateLimits.ts, through convex-helpers' table-based rate limiter, whose table this
// is: its shape and its index name ("name", over name and key) are the helper's, not ours.
// No one else reads it; a row may be deleted at any time (the bucket then starts full).
export { rateLimitTables } from "convex-helpers/server/rateLimit";
