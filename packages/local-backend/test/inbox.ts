/**
 * An organization's inbox filled through Parley's real functions, for the
 * pagination tests: visitors start conversations (the widget's path) and an
 * operator replies, which moves a conversation to the top of the inbox.
 */
import { api } from "@parley/backend/api";
import type { Id } from "@parley/backend/dataModel";
import { ConvexHttpClient } from "convex/browser";

import { memberClaims, startVisitorSession, type Issuer } from "./support.js";

/** Conversations per visitor session that the rate limit lets through at once. */
const CONVERSATIONS_PER_SESSION = 5;

export type Inbox = {
  /** A signed-in admin's token, for clients that subscribe to the inbox. */
  adminToken: string;
  /** Conversation IDs, oldest first (the inbox lists them newest first). */
  conversations: Id<"conversations">[];
  /** A visitor starts a conversation: it goes to the top of the inbox. */
  startConversation: () => Promise<Id<"conversations">>;
  /** An operator replies: the conversation moves to the top. */
  reply: (conversationId: Id<"conversations">) => Promise<void>;
};

export async function openInbox(
  { url, siteUrl }: { url: string; siteUrl: string },
  issuer: Issuer,
  organizationId: string,
): Promise<Inbox> {
  const adminToken = await issuer.sign(memberClaims(organizationId, "admin"));
  const admin = new ConvexHttpClient(url, { logger: false });
  admin.setAuth(adminToken);
  await admin.mutation(api.private.organizations.bootstrap, {});
  const visitor = new ConvexHttpClient(url, { logger: false });
  const conversations: Id<"conversations">[] = [];
  let sessionToken = "";

  return {
    adminToken,
    conversations,
    startConversation: async () => {
      if (conversations.length % CONVERSATIONS_PER_SESSION === 0) {
        ({ sessionToken } = await startVisitorSession(siteUrl, {
          organizationId,
          name: `Visitor ${conversations.length}`,
        }));
      }
      const id = await visitor.mutation(api.public.conversations.create, { sessionToken });
      conversations.push(id);
      return id;
    },
    reply: async (conversationId) => {
      await admin.mutation(api.private.messages.send, { conversationId, body: "On it!" });
    },
  };
}

/** `count` conversations, one after the other (so each is newer than the last). */
export async function fill(inbox: Inbox, count: number): Promise<Id<"conversations">[]> {
  const started: Id<"conversations">[] = [];
  for (let index = 0; index < count; index++) started.push(await inbox.startConversation());
  return started;
}
