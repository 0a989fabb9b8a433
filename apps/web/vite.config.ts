import { vitePlugin as remix } from "@remix-run/dev";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: {
    alias: {
      "~": new URL("./app", import.meta.url).pathname,
      // The typed Convex API (convex/_generated) of the repository root.
      "@convex": new URL("../../convex", import.meta.url).pathname,
    },
  },
  server: {
    port: 3000,
    host: "127.0.0.1",
    // Tests, benchmarks and screenshots are not the app: editing them must not reload open pages
    // (an e2e scenario in progress, a person using `bun run dev`).
    watch: { ignored: ["**/tests/**", "**/bench/**", "**/docs/**", "**/test-results/**"] },
  },
  // Pre-bundled at start: found later (first visit of a page using them), Vite re-optimises
  // and reloads every open page, which breaks a live page in the middle of an e2e scenario.
  optimizeDeps: {
    include: [
      "@radix-ui/react-dialog",
      "@radix-ui/react-dropdown-menu",
      "@radix-ui/react-progress",
      "@radix-ui/react-tabs",
      // The score chart (lazy, first needed on a results page).
      "@visx/group",
      "@visx/shape",
      "@visx/vendor/d3-scale",
      // The staff's e-mail page (its re-render): found late, Vite would reload every open page.
      "@react-email/components",
      "@react-email/render",
    ],
  },
  plugins: [
    tailwindcss(),
    remix({
      // Remix v2 is end-of-life: every v3 behaviour is switched on so the move to React Router 7 is mechanical.
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
});
