import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_HEALTH_HOST, loadHealthConfig } from "./config.ts";

describe("WORKER_HEALTH_HOST", () => {
  it("binds the health server to the loopback interface by default", () => {
    expect(DEFAULT_HEALTH_HOST).toBe("127.0.0.1");
    expect(loadHealthConfig({})).toEqual({ host: "127.0.0.1", port: 8_081 });
    expect(loadHealthConfig({ WORKER_HEALTH_HOST: "" }).host).toBe("127.0.0.1");
  });

  it.each(["0.0.0.0", "::", "10.0.0.5", "localhost", "worker.internal"])("accepts %j", (host) => {
    expect(loadHealthConfig({ WORKER_HEALTH_HOST: host, WORKER_HEALTH_PORT: "9000" })).toEqual({
      host,
      port: 9_000,
    });
  });

  it.each(["not a host!", "127.0.0.1:8081", "http://0.0.0.0"])(
    "refuses %j with a French message",
    (host) => {
      const load = () => loadHealthConfig({ WORKER_HEALTH_HOST: host });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(
        /WORKER_HEALTH_HOST : adresse IP ou nom d'hôte attendu \(ex\. 127\.0\.0\.1, 0\.0\.0\.0, ::\)/,
      );
    },
  );
});
