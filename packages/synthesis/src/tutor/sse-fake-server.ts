// A scripted streaming (SSE) fake for the tutor tests: the real OpenAI and Anthropic SDKs
// talk to it through their baseURL. Each request takes the next scripted reply (the last one
// repeats): an HTTP error, or a list of SSE events, optionally cut (socket destroyed) after
// some of them.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type SseReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { events: { event?: string; data: unknown }[]; cutAfter?: number };

export interface SseServer {
  url: string;
  requests: { path: string; body: any }[];
  script(replies: SseReply[]): void;
  close(): Promise<void>;
}

export async function startSseServer(): Promise<SseServer> {
  let replies: SseReply[] = [];
  const requests: { path: string; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      data += c;
    });
    req.on("end", () => {
      requests.push({ path: req.url ?? "", body: data ? JSON.parse(data) : undefined });
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      if (!reply) {
        res.writeHead(500, { "content-type": "application/json" }).end("{}");
        return;
      }
      if ("status" in reply) {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const sent = reply.events.slice(0, reply.cutAfter ?? reply.events.length);
      const body = sent
        .map((e) => {
          const payload = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
          return `${e.event ? `event: ${e.event}\n` : ""}data: ${payload}\n\n`;
        })
        .join("");
      if (reply.cutAfter === undefined) {
        res.end(body);
        return;
      }
      // Cut: the events reach the client, then the connection drops without the end.
      res.write(body, () => setTimeout(() => res.socket?.destroy(), 50));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(next) {
      replies = [...next];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** OpenAI chat.completion.chunk events for `pieces`, then the usage chunk and [DONE]. */
export function openAIStream(pieces: string[], usage = { prompt: 900, completion: 120 }) {
  const chunk = (delta: object, finish: string | null) => ({
    data: {
      id: "chatcmpl-aria",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    },
  });
  return [
    chunk({ role: "assistant", content: "" }, null),
    ...pieces.map((p) => chunk({ content: p }, null)),
    chunk({}, "stop"),
    {
      data: {
        id: "chatcmpl-aria",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "gpt-4o-mini",
        choices: [],
        usage: {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.completion,
          total_tokens: usage.prompt + usage.completion,
        },
      },
    },
    { data: "[DONE]" },
  ];
}

/** Anthropic Messages stream events for `pieces`. */
export function anthropicStream(pieces: string[], usage = { input: 1000, output: 150 }) {
  return [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          id: "msg_aria",
          type: "message",
          role: "assistant",
          model: "claude-sonnet-4-5",
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input, output_tokens: 1 },
        },
      },
    },
    {
      event: "content_block_start",
      data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    },
    ...pieces.map((text) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
    })),
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: usage.output },
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  ];
}
