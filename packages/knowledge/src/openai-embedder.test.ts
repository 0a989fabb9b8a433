import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbedderFromEnv, resolveEmbeddingsProvider } from "./embed.ts";
import { KnowledgeError } from "./errors.ts";
import { LocalEmbedder } from "./local-embedder.ts";
import { OpenAIEmbedder, planBatches } from "./openai-embedder.ts";

interface Received {
  path: string;
  authorization: string | undefined;
  body: { model: string; input: string[]; dimensions: number; encoding_format: string };
}

/** Fake embeddings endpoint: vector i has 1 at index (text length mod 1536). */
function vectorFor(text: string): number[] {
  const v = new Array(1536).fill(0);
  v[text.length % 1536] = 1;
  return v;
}

async function readJson(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

describe("OpenAIEmbedder against a local fake server", () => {
  let server: Server;
  let baseURL: string;
  const received: Received[] = [];
  /** Statuses to answer before succeeding, consumed in order. */
  let failures: number[] = [];

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = await readJson(request);
      received.push({
        path: request.url ?? "",
        authorization: request.headers.authorization,
        body,
      });
      const status = failures.shift();
      if (status) {
        response.writeHead(status, { "content-type": "application/json", "retry-after-ms": "5" });
        response.end(JSON.stringify({ error: { message: "slow down", type: "rate_limit" } }));
        return;
      }
      // Out of order on purpose: the client must sort by index.
      const data = body.input
        .map((text: string, index: number) => ({
          object: "embedding",
          index,
          embedding: vectorFor(text),
        }))
        .reverse();
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          object: "list",
          data,
          model: body.model,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  beforeEach(() => {
    received.length = 0;
    failures = [];
  });

  it("sends batches bounded by input count and returns vectors in input order", async () => {
    const embedder = new OpenAIEmbedder({ apiKey: "sk-test", baseURL, maxBatchInputs: 2 });
    const texts = ["a", "bb", "ccc", "dddd", "eeeee"];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => v.indexOf(1))).toEqual([1, 2, 3, 4, 5]);
    expect(received.map((r) => r.body.input)).toEqual([["a", "bb"], ["ccc", "dddd"], ["eeeee"]]);
    expect(received[0]).toMatchObject({
      path: "/v1/embeddings",
      authorization: "Bearer sk-test",
      body: { model: "text-embedding-3-small", dimensions: 1536, encoding_format: "float" },
    });
  });

  it("bounds batches by tokens too", async () => {
    const embedder = new OpenAIEmbedder({ apiKey: "k", baseURL, maxBatchTokens: 12 });
    const long = "la dérivée d'une fonction";
    await embedder.embed([long, long, long]);
    expect(received.length).toBeGreaterThan(1);
    expect(received.flatMap((r) => r.body.input)).toEqual([long, long, long]);
  });

  it("retries after 429 and 503, then succeeds", async () => {
    failures = [429, 503];
    const embedder = new OpenAIEmbedder({ apiKey: "k", baseURL, retryBaseDelayMs: 1 });
    const [vector] = await embedder.embed(["pile"]);
    expect(vector!.indexOf(1)).toBe(4);
    expect(received).toHaveLength(3);
    expect(embedder.requests).toBe(3);
  });

  it("gives up after maxRetries with a clear error, and never retries a 400", async () => {
    failures = [429, 429, 429];
    const limited = new OpenAIEmbedder({
      apiKey: "k",
      baseURL,
      maxRetries: 2,
      retryBaseDelayMs: 1,
    });
    await expect(limited.embed(["x"])).rejects.toMatchObject({ code: "embedding_failed" });
    expect(received).toHaveLength(3);

    received.length = 0;
    failures = [400];
    await expect(limited.embed(["x"])).rejects.toThrow(/HTTP 400/);
    expect(received).toHaveLength(1);
  });

  it("refuses empty and over-long inputs instead of truncating them", async () => {
    const embedder = new OpenAIEmbedder({ apiKey: "k", baseURL });
    await expect(embedder.embed([" "])).rejects.toBeInstanceOf(KnowledgeError);
    await expect(embedder.embed(["mot ".repeat(9000)])).rejects.toThrow(/dépasse la limite/);
    expect(received).toHaveLength(0);
  });
});

describe("planBatches", () => {
  it("keeps order and never produces empty batches", () => {
    expect(planBatches([5, 5, 5, 20, 1], { maxBatchInputs: 10, maxBatchTokens: 10 })).toEqual([
      [0, 1],
      [2],
      [3],
      [4],
    ]);
  });
});

describe("createEmbedderFromEnv", () => {
  it("defaults to OpenAI with a key, local without", () => {
    expect(resolveEmbeddingsProvider({ OPENAI_API_KEY: "sk" })).toBe("openai");
    expect(resolveEmbeddingsProvider({})).toBe("local");
    expect(resolveEmbeddingsProvider({ OPENAI_API_KEY: "" })).toBe("local");
    expect(createEmbedderFromEnv({})).toBeInstanceOf(LocalEmbedder);
    const openai = createEmbedderFromEnv({
      OPENAI_API_KEY: "sk",
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
    });
    expect(openai).toBeInstanceOf(OpenAIEmbedder);
    expect(openai.model).toBe("text-embedding-3-small");
  });

  it("honours an explicit provider and validates the environment", () => {
    expect(
      createEmbedderFromEnv({ EMBEDDINGS_PROVIDER: "local", OPENAI_API_KEY: "sk" }),
    ).toBeInstanceOf(LocalEmbedder);
    expect(() => createEmbedderFromEnv({ EMBEDDINGS_PROVIDER: "openai" })).toThrow(
      /OPENAI_API_KEY/,
    );
    expect(() => createEmbedderFromEnv({ EMBEDDINGS_PROVIDER: "cohere" })).toThrow(
      /Configuration des embeddings invalide/,
    );
    expect(() =>
      createEmbedderFromEnv({ OPENAI_API_KEY: "sk", OPENAI_BASE_URL: "pas une url" }),
    ).toThrow(KnowledgeError);
  });
});
