// A scripted fake HTTP server for provider tests: the real OpenAI and Anthropic
// SDKs talk to it through their baseURL. Each request takes the next scripted
// reply (the last one repeats) and is recorded for assertions.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (to exercise timeouts). */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  script(replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  let replies: ScriptedReply[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      data += c;
    });
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: data ? JSON.parse(data) : undefined,
      });
      const reply = replies.length > 1 ? replies.shift()! : replies[0];
      if (!reply) {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end('{"error":{"message":"no scripted reply"}}');
        return;
      }
      if (reply.hang) return;
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
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

export function openAICompletion(
  content: string | null,
  usage = { prompt: 1200, completion: 800 },
) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gpt-4o-mini",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
}

export function anthropicToolMessage(input: unknown, usage = { input: 1500, output: 900 }) {
  return {
    id: "msg_test",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [{ type: "tool_use", id: "toolu_test_1", name: "enregistrer_bilan", input }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
}

export function apiError(
  status: number,
  message: string,
  headers?: Record<string, string>,
): ScriptedReply {
  return { status, headers, body: { type: "error", error: { type: "api_error", message } } };
}
