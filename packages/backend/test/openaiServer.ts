/**
 * A loopback server speaking OpenAI's wire protocol, so the agent's real
 * model path runs over real HTTP in tests:
 *
 * - POST /v1/chat/completions with `stream: true`, answered as server-sent
 *   events. Each request takes the next scripted turn: text deltas, or tool
 *   calls the model "decides" to make.
 * - POST /v1/embeddings (`input`, `dimensions`, `encoding_format: "float"`),
 *   answered by a small deterministic embedding model: each word is a
 *   direction in the vector space, and the phrases of one *concept* share a
 *   direction, so a test can say that "refund" and "money back" mean the
 *   same thing, which full-text search cannot know.
 *
 * Requests are recorded for assertions, chat and embeddings separately.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedTurn =
  { text: string[] } | { toolCalls: { name: string; arguments: Record<string, unknown> }[] };

export type RecordedRequest = {
  authorization: string | undefined;
  body: {
    model: string;
    stream: boolean;
    messages: { role: string; content: unknown; tool_calls?: unknown }[];
    tools?: { function: { name: string } }[];
  };
};

export type RecordedEmbeddingRequest = {
  authorization: string | undefined;
  body: { model: string; input: string | string[]; dimensions?: number; encoding_format?: string };
};

/** How the embeddings endpoint behaves; tests change it between requests. */
export type EmbeddingsBehaviour = {
  /** Phrases that mean the same, by concept name: `{ refund: ["refund", "money back"] }`. */
  concepts: Record<string, string[]>;
  /** Answer every embeddings request with this HTTP error instead. */
  failure: { status: number; message: string } | null;
  /** Return vectors of this length whatever was asked (a model that ignores `dimensions`). */
  forceDimensions: number | null;
};

/** The vector length text-embedding-3-small returns when `dimensions` is not given. */
const DEFAULT_DIMENSIONS = 1536;

const STOP_WORDS = new Set(
  "a an and are as at be by can do for from how i in is it my of on or the to we what when with you your".split(
    " ",
  ),
);

/** FNV-1a: a stable hash, so a word lands on the same dimension in every run. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The toy embedding model: a bag of words hashed onto `dimensions` axes, with
 * every phrase of a concept counted on the concept's own axis instead of its
 * words', normalised to unit length (as OpenAI's embeddings are).
 */
export function toyEmbedding(
  text: string,
  dimensions: number,
  concepts: EmbeddingsBehaviour["concepts"],
): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  let rest = ` ${text.toLowerCase()} `;
  for (const [concept, phrases] of Object.entries(concepts)) {
    for (const phrase of [...phrases].sort((a, b) => b.length - a.length)) {
      const pattern = new RegExp(
        `(?<![\\p{L}\\p{N}])${escapeRegExp(phrase.toLowerCase())}(?![\\p{L}\\p{N}])`,
        "gu",
      );
      rest = rest.replace(pattern, () => {
        vector[hash(`concept:${concept}`) % dimensions]! += 1;
        return " ";
      });
    }
  }
  for (const word of rest.split(/[^\p{L}\p{N}]+/u)) {
    if (word.length > 1 && !STOP_WORDS.has(word)) vector[hash(`word:${word}`) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  return norm === 0 ? vector : vector.map((x) => x / norm);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startOpenAiServer(options: { firstTokenDelayMs?: number } = {}) {
  const script: ScriptedTurn[] = [];
  const requests: RecordedRequest[] = [];
  const embeddings: EmbeddingsBehaviour & { requests: RecordedEmbeddingRequest[] } = {
    concepts: {},
    failure: null,
    forceDimensions: null,
    requests: [],
  };
  let id = 0;

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "Content-Type": "application/json" });
    response.end(JSON.stringify(body));
  };

  async function answerEmbeddings(request: IncomingMessage, response: ServerResponse) {
    const body = JSON.parse(await readBody(request)) as RecordedEmbeddingRequest["body"];
    embeddings.requests.push({ authorization: request.headers.authorization, body });
    if (embeddings.failure) {
      const { status, message } = embeddings.failure;
      json(response, status, { error: { message, type: "invalid_request_error", code: null } });
      return;
    }
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    if (
      !Array.isArray(inputs) ||
      inputs.length === 0 ||
      !inputs.every((i) => typeof i === "string")
    ) {
      json(response, 400, {
        error: {
          message: "'input' must be a string or an array of strings.",
          type: "invalid_request_error",
        },
      });
      return;
    }
    if (body.encoding_format !== undefined && body.encoding_format !== "float") {
      json(response, 400, {
        error: {
          message: "Only encoding_format 'float' is served here.",
          type: "invalid_request_error",
        },
      });
      return;
    }
    const dimensions = embeddings.forceDimensions ?? body.dimensions ?? DEFAULT_DIMENSIONS;
    const tokens = inputs.reduce(
      (sum, input) => sum + input.split(/\s+/).filter(Boolean).length,
      0,
    );
    json(response, 200, {
      object: "list",
      data: inputs.map((input, index) => ({
        object: "embedding",
        index,
        embedding: toyEmbedding(input, dimensions, embeddings.concepts),
      })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method === "POST" && request.url === "/v1/embeddings") {
        await answerEmbeddings(request, response);
        return;
      }
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        json(response, 404, { error: { message: "not found" } });
        return;
      }
      const body = JSON.parse(await readBody(request)) as RecordedRequest["body"];
      requests.push({ authorization: request.headers.authorization, body });
      const turn = script.shift() ?? { text: ["(no scripted turn)"] };
      response.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
      });
      const completionId = `chatcmpl-${++id}`;
      const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
        response.write(
          `data: ${JSON.stringify({
            id: completionId,
            object: "chat.completion.chunk",
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [{ index: 0, delta, finish_reason: finishReason }],
          })}\n\n`,
        );
      if (options.firstTokenDelayMs)
        await new Promise((r) => setTimeout(r, options.firstTokenDelayMs));
      if ("text" in turn) {
        send({ role: "assistant", content: "" });
        for (const piece of turn.text) send({ content: piece });
        send({}, "stop");
      } else {
        send({
          role: "assistant",
          tool_calls: turn.toolCalls.map((call, index) => ({
            index,
            id: `call_${id}_${index}`,
            type: "function",
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          })),
        });
        send({}, "tool_calls");
      }
      response.write("data: [DONE]\n\n");
      response.end();
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    script,
    requests,
    embeddings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
