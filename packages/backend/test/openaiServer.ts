/**
 * A loopback server speaking OpenAI's chat-completions wire protocol
 * (POST /v1/chat/completions with `stream: true`, answered as server-sent
 * events), so the agent's real model path runs over real HTTP in tests.
 *
 * Each request takes the next scripted turn: text deltas, or tool calls the
 * model "decides" to make. Requests are recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
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

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startOpenAiServer(options: { firstTokenDelayMs?: number } = {}) {
  const script: ScriptedTurn[] = [];
  const requests: RecordedRequest[] = [];
  let id = 0;

  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        response.writeHead(404, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ error: { message: "not found" } }));
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
