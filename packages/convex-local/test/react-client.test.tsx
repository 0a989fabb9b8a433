// ConvexReactClient + useQuery/useMutation against the runtime: the rendered
// value follows a mutation. The DOM is a jsdom window installed by hand:
// Vitest's jsdom environment uses the root jsdom 31, which needs Node 22.
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, expect, test } from "vitest";

const dom = new JSDOM("<!doctype html><html><body></body></html>", { url: "http://localhost/" });
Object.assign(globalThis, {
  window: dom.window,
  document: dom.window.document,
  navigator: dom.window.navigator,
  HTMLElement: dom.window.HTMLElement,
  IS_REACT_ACT_ENVIRONMENT: true,
});

const { ConvexProvider, ConvexReactClient, useMutation, useQuery } = await import("convex/react");
const { act, useEffect } = await import("react");
const { createRoot } = await import("react-dom/client");
type Root = import("react-dom/client").Root;

import WebSocket from "ws";
import { api } from "./fixture/convex/_generated/api.js";
import { type RuntimeProcess, removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

let runtime: RuntimeProcess;
let client: InstanceType<typeof ConvexReactClient>;

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("react") });
  client = new ConvexReactClient(runtime.url, {
    webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
    unsavedChangesWarning: false,
    logger: false,
  });
});

afterAll(async () => {
  await client.close();
  await runtime.stop();
  removeDir(runtime.dataDir);
});

let send: ((body: string) => Promise<unknown>) | null = null;

function Counter({ channel }: { channel: string }) {
  const count = useQuery(api.messages.count, { channel });
  const sendMessage = useMutation(api.messages.send);
  useEffect(() => {
    send = (body) => sendMessage({ channel, author: "react", body });
  }, [sendMessage, channel]);
  return <p id="count">{count === undefined ? "loading" : `count: ${count}`}</p>;
}

async function waitForText(container: { textContent: string | null }, text: string): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (container.textContent === text) return;
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
  throw new Error(`expected "${text}", still "${container.textContent}"`);
}

test("useQuery renders the new value after a mutation", async () => {
  const container = document.createElement("div");
  document.body.append(container);
  let root: Root | null = null;
  await act(async () => {
    root = createRoot(container);
    root.render(
      <ConvexProvider client={client}>
        <Counter channel="react" />
      </ConvexProvider>,
    );
  });
  await waitForText(container, "count: 0");
  await act(async () => {
    await send?.("from useMutation");
  });
  await waitForText(container, "count: 1");
  await act(async () => {
    await client.mutation(api.messages.send, {
      channel: "react",
      author: "client",
      body: "direct",
    });
  });
  await waitForText(container, "count: 2");
  expect(container.textContent).toBe("count: 2");
  await act(async () => root?.unmount());
});
