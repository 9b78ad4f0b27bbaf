/**
 * The agent's streaming entry point, for every channel that answers with it
 * (the widget's replies in `system/agent.reply`; any other surface that
 * streams an answer, e.g. an OpenAI-compatible route). It picks the brain
 * (a configured model, or the local responder), searches the organization's
 * knowledge base for it, and hands each piece of text to `write` as it is
 * produced. Where the text goes (delta rows, an SSE response) is the caller's
 * business; so is the length limit (see `DeltaWriter`).
 */
import type { Id } from "../../_generated/dataModel";
import type { ActionCtx } from "../../_generated/server";
import { env } from "../env";
import { searchKnowledgeBase } from "../retrieval";
import {
  localResponder,
  modelResponder,
  type ResponderInput,
  type ResponderResult,
} from "./responders";

export type AgentInput = ResponderInput & { organizationId: Id<"organizations"> };

/** Answer `input.history`'s last turn, streaming the answer's text through `write`. */
export async function streamAgentReply(
  ctx: ActionCtx,
  input: AgentInput,
  write: (delta: string) => Promise<void>,
): Promise<ResponderResult> {
  const model = env.openAi();
  const respond = model ? modelResponder(model) : localResponder(env.streamPacingMs());
  return await respond(input, {
    search: (query) =>
      searchKnowledgeBase(ctx, { organizationId: input.organizationId, query, limit: 3 }),
    write,
  });
}
