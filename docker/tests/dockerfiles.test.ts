// The Dockerfiles: dockerfile-utils' validator finds nothing, and the rules of the deployment
// hold: every base image pinned by exact version (never `latest`), a non-root USER in the final
// stage, production dependencies only, the tesseract language data checked in the image, a
// health check, and every workspace manifest copied before `bun install --frozen-lockfile`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const dockerfiles = ["Dockerfile.web", "Dockerfile.worker"];
const read = (name: string) => readFileSync(join(root, "docker", name), "utf8");

/** Instructions with their continuation lines joined. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

function stages(text: string): string[][] {
  const out: string[][] = [];
  for (const line of instructions(text)) {
    if (/^FROM\s/i.test(line)) out.push([]);
    out.at(-1)?.push(line);
  }
  return out;
}

describe.each(dockerfiles)("%s", (name) => {
  const text = read(name);

  it("passes dockerfile-utils' validator", () => {
    expect(validate(text, {}).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it("pins every base image by exact version, never latest", () => {
    const bases = instructions(text)
      .filter((l) => /^FROM\s/i.test(l))
      .map((l) => l.split(/\s+/)[1] ?? "");
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) {
      expect(base).toMatch(/^oven\/bun:\d+\.\d+\.\d+(-[a-z]+)?(@sha256:[0-9a-f]{64})?$/);
    }
    expect(text).not.toMatch(/:latest\b/);
    const bunVersion = JSON.parse(
      readFileSync(join(root, "package.json"), "utf8"),
    ).packageManager.replace("bun@", "");
    for (const base of bases) expect(base).toContain(`oven/bun:${bunVersion}`);
  });

  it("runs as a non-root user in the final stage", () => {
    const last = stages(text).at(-1) ?? [];
    const users = last.filter((l) => /^USER\s/i.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(users.length).toBe(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before the command it applies to.
    const userAt = last.findIndex((l) => /^USER\s/i.test(l));
    const cmdAt = last.findIndex((l) => /^(CMD|ENTRYPOINT)\s/i.test(l));
    expect(userAt).toBeGreaterThan(-1);
    expect(cmdAt).toBeGreaterThan(userAt);
  });

  it("installs production dependencies only in what the final stage copies", () => {
    const installs = instructions(text).filter((l) => /bun install/.test(l));
    // The build stage installs everything; the stage copied into the image, production only.
    expect(installs.some((l) => /--production/.test(l))).toBe(true);
    const final = (stages(text).at(-1) ?? []).join("\n");
    expect(final).not.toMatch(/bun install/);
    expect(final).toMatch(/COPY --from=(prod-deps|runtime-deps) \/app\/node_modules/);
    expect(final).toMatch(/^HEALTHCHECK /m);
  });

  it("copies every workspace manifest before installing from the lockfile", () => {
    const manifests = ["apps", "packages"].flatMap((parent) =>
      readdirSync(join(root, parent)).map((d) => `${parent}/${d}/package.json`),
    );
    for (const manifest of manifests) expect(text).toContain(`COPY ${manifest} `);
    expect(text).toContain("bun install --frozen-lockfile");
  });
});

describe("the worker image", () => {
  it("bakes in the French and English trained data and drains on SIGTERM", () => {
    const text = read("Dockerfile.worker");
    expect(text).toMatch(/test -f node_modules\/@tesseract\.js-data\/fra\/[^ ]+\.traineddata\.gz/);
    expect(text).toMatch(/test -f node_modules\/@tesseract\.js-data\/eng\/[^ ]+\.traineddata\.gz/);
    expect(text).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(text).toContain("http://127.0.0.1:8081/readyz");
  });
});
