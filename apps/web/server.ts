/// <reference types="bun-types" />
// `bun run start:web` (build/server.js): the production web server (what the Docker image runs). Serves the
// built Remix app (apps/web/build, made by `bun run build`) with Bun: hashed assets from
// build/client with a year of cache, every other request through Remix's request handler.
// The environment is validated before anything listens: a missing or malformed variable stops
// the process with one line naming it; the effective modes are logged once (never a secret).
import { existsSync, statSync } from "node:fs";
import { join, normalize } from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { describeModes, parseEnv } from "./app/utils/env.server";

// Bundled by `bun run build` into build/server.js (beside build/server/ and build/client/), or
// run from source as apps/web/server.ts (the build is then ./build).
const buildDir = existsSync(join(import.meta.dir, "server", "index.js"))
  ? import.meta.dir
  : join(import.meta.dir, "build");

let env: ReturnType<typeof parseEnv>;
try {
  env = parseEnv(process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? "0.0.0.0";
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`Invalid web environment: PORT: « ${process.env.PORT} » is not a port number`);
  process.exit(1);
}
const serverEntry = join(buildDir, "server", "index.js");
if (!existsSync(serverEntry)) {
  console.error(`No build at ${serverEntry}: run \`bun run build\` first.`);
  process.exit(1);
}

const build = (await import(serverEntry)) as ServerBuild;
const handle = createRequestHandler(
  build,
  env.NODE_ENV === "production" ? "production" : "development",
);
const clientDir = join(buildDir, "client");

/** A file of build/client for this path, or null (never outside that folder). */
function staticFile(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const path = normalize(join(clientDir, decoded));
  if (!path.startsWith(`${clientDir}/`)) return null;
  try {
    return statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

const server = Bun.serve({
  port,
  hostname,
  // Uploads go straight to Convex storage; the web app only takes forms.
  maxRequestBodySize: 1024 * 1024,
  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === "GET" || request.method === "HEAD") {
      const file = staticFile(url.pathname);
      if (file) {
        const immutable = url.pathname.startsWith("/assets/");
        return new Response(Bun.file(file), {
          headers: {
            "Cache-Control": immutable
              ? "public, max-age=31536000, immutable"
              : "public, max-age=3600",
          },
        });
      }
    }
    return handle(request);
  },
  error(error) {
    console.error(
      JSON.stringify({ level: "error", msg: "web.request_failed", error: error.message }),
    );
    return new Response("Erreur interne", { status: 500 });
  },
});

console.log(
  JSON.stringify({
    level: "info",
    msg: "web.started",
    url: `http://${server.hostname}:${server.port}`,
    ...describeModes(env),
  }),
);

const stop = () => {
  console.log(JSON.stringify({ level: "info", msg: "web.stopping" }));
  void server.stop().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
