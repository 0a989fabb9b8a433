// The worker and the CLI read their configuration through config.ts: zod's messages there
// are French (the shared schemas it imports set zod's locale).
import { describe, expect, it } from "vitest";
import { loadHealthConfig } from "./config.ts";

describe("configuration errors", () => {
  it.each([
    [
      { WORKER_HEALTH_PORT: "abc" },
      "WORKER_HEALTH_PORT : Entrée invalide : nombre attendu, NaN reçu",
    ],
    [{ WORKER_HEALTH_PORT: "70000" }, "WORKER_HEALTH_PORT : Trop grand : nombre doit être <=65535"],
    [{ CONVEX_URL: "pas une url" }, "CONVEX_URL : URL invalide"],
    [
      { LOG_LEVEL: "bavard" },
      'LOG_LEVEL : Option invalide : une valeur parmi "debug"|"info"|"warn"|"error" attendue',
    ],
  ])("%j is explained in French", (env, message) => {
    expect(() => loadHealthConfig(env)).toThrow(`Configuration invalide : ${message}`);
  });
});
