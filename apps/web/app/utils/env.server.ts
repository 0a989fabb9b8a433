// Server environment, validated once at boot. Only what is listed in
// `publicEnv` ever reaches the browser.
import { z } from "zod";

const zEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  CONVEX_URL: z.url().default("http://127.0.0.1:3210"),
});

export type ServerEnv = z.infer<typeof zEnv>;

let cached: ServerEnv | undefined;

export function getEnv(): ServerEnv {
  if (cached) return cached;
  const parsed = zEnv.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid web environment:\n${z.prettifyError(parsed.error)}`);
  }
  cached = parsed.data;
  return cached;
}

export function publicEnv(env: ServerEnv) {
  return { CONVEX_URL: env.CONVEX_URL };
}
