"use client";

import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import type { Id } from "@parley/backend/dataModel";
import type { ConversationStatus } from "@parley/backend/validators";
import { Button } from "@parley/ui/components/button";
import { NativeSelect } from "@parley/ui/components/native-select";
import { useMutation, useQuery } from "convex/react";
import {
  Bot,
  CheckCircle2,
  PanelRightClose,
  PanelRightOpen,
  RotateCcw,
  UserCheck,
} from "lucide-react";
import { useImperativeHandle, useRef, useState, type Ref } from "react";
import { toast } from "sonner";

import { LoadingState } from "~/modules/dashboard/states";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { Composer, type ComposerHandle, type ComposerMode } from "./composer";
import { ContactPanel } from "./contact-panel";
import { ChannelIcon, StatusBadge } from "./conversation-list";
import { useMembers, useMyUserId, type ConversationDetail, type ConversationId } from "./data";
import { contactLabel } from "./format";
import { MessageThread, type PendingMessage } from "./message-thread";

/** What the inbox's keyboard shortcuts can do to the open conversation. */
export type WorkspaceActions = {
  resolve: () => void;
  reopen: () => void;
  takeOver: () => void;
  handBack: () => void;
  assignToMe: () => void;
  focusComposer: (mode: ComposerMode) => void;
  toggleContact: () => void;
};

const ME = "__me__";
const NOBODY = "";

function AssignPicker({
  conversation,
  onAssign,
}: {
  conversation: ConversationDetail;
  onAssign: (assigneeId: Id<"users"> | "me" | undefined) => void;
}) {
  const members = useMembers();
  const myId = useMyUserId();
  const { user } = useWorkspace();
  const assignee = conversation.assignee;
  const value = assignee ? (assignee._id === myId ? ME : assignee._id) : NOBODY;
  const others = members.filter((member) => member._id !== myId);
  if (assignee && assignee._id !== myId && !others.some((m) => m._id === assignee._id)) {
    others.push(assignee);
  }
  return (
    <NativeSelect
      aria-label="Assignee"
      value={value}
      onChange={(event) => {
        const next = event.target.value;
        onAssign(next === ME ? "me" : next === NOBODY ? undefined : (next as Id<"users">));
      }}
      className="h-8 text-xs"
    >
      <option value={NOBODY}>Unassigned</option>
      <option value={ME}>Me ({user.name ?? user.email ?? "you"})</option>
      {others.map((member) => (
        <option key={member._id} value={member._id}>
          {member.name}
        </option>
      ))}
    </NativeSelect>
  );
}

function Header({
  conversation,
  actions,
  contactOpen,
}: {
  conversation: ConversationDetail;
  actions: WorkspaceActions & { assign: (id: Id<"users"> | "me" | undefined) => void };
  contactOpen: boolean;
}) {
  const { status } = conversation;
  return (
    <header className="flex flex-wrap items-center gap-2 border-b px-4 py-2.5">
      <ChannelIcon channel={conversation.channel} />
      <h2 className="min-w-0 truncate font-semibold" data-testid="conversation-title">
        {contactLabel(conversation.contact, conversation._id)}
      </h2>
      <StatusBadge status={status} />
      <div className="ml-auto flex flex-wrap items-center gap-2">
        <div className="w-44">
          <AssignPicker conversation={conversation} onAssign={actions.assign} />
        </div>
        {status === "unresolved" && (
          <Button size="sm" variant="outline" onClick={actions.takeOver} title="Take over (t)">
            <UserCheck /> Take over
          </Button>
        )}
        {status === "escalated" && (
          <Button
            size="sm"
            variant="outline"
            onClick={actions.handBack}
            title="Hand back to AI (h)"
          >
            <Bot /> Hand back to AI
          </Button>
        )}
        {status === "resolved" ? (
          <Button size="sm" variant="outline" onClick={actions.reopen} title="Reopen (o)">
            <RotateCcw /> Reopen
          </Button>
        ) : (
          <Button size="sm" onClick={actions.resolve} title="Resolve (e)">
            <CheckCircle2 /> Resolve
          </Button>
        )}
        <Button
          size="icon"
          variant="ghost"
          className="size-8"
          aria-label={contactOpen ? "Hide contact details" : "Show contact details"}
          aria-pressed={contactOpen}
          title="Contact details (i)"
          onClick={actions.toggleContact}
        >
          {contactOpen ? <PanelRightClose /> : <PanelRightOpen />}
        </Button>
      </div>
    </header>
  );
}

/**
 * The open conversation: header with its status and actions, the live
 * thread, the composer, and the contact panel on the right.
 */
export function ConversationWorkspace({
  conversationId,
  actionsRef,
}: {
  conversationId: ConversationId;
  actionsRef: Ref<WorkspaceActions | null>;
}) {
  const conversation = useQuery(api.private.conversations.get, { conversationId });
  const setStatus = useMutation(api.private.conversations.setStatus);
  const assign = useMutation(api.private.conversations.assign);
  const { user } = useWorkspace();
  const myId = useMyUserId();
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [contactOpen, setContactOpen] = useState(true);
  const composer = useRef<ComposerHandle>(null);

  const run = (what: string, call: Promise<unknown>, done?: string) => {
    call
      .then(() => done && toast.success(done))
      .catch((error: unknown) =>
        toast.error(`Could not ${what}`, { description: readAppError(error).message }),
      );
  };
  const changeStatus = (status: ConversationStatus, what: string, done: string) => {
    if (!conversation || conversation.status === status) return;
    run(what, setStatus({ conversationId, status }), done);
  };

  const assignTo = (target: Id<"users"> | "me" | undefined) => {
    if (!conversation) return;
    if (target === "me" && !myId) {
      // Our own id is not known yet (see useMyUserId): taking over assigns us.
      if (conversation.status === "unresolved") {
        run("assign", setStatus({ conversationId, status: "escalated" }), "Assigned to you");
      } else {
        toast.error("Could not assign", {
          description: "Reply or take over to assign this conversation to yourself.",
        });
      }
      return;
    }
    const assigneeId = target === "me" ? myId : target;
    if (assigneeId === conversation.assignee?._id) return;
    run(
      "assign",
      assign({ conversationId, ...(assigneeId ? { assigneeId } : {}) }),
      assigneeId ? (target === "me" ? "Assigned to you" : "Assigned") : "Unassigned",
    );
  };

  const actions: WorkspaceActions & { assign: typeof assignTo } = {
    resolve: () =>
      changeStatus("resolved", "resolve", "Resolved: the visitor is asked for a rating"),
    reopen: () => changeStatus("escalated", "reopen", "Reopened"),
    takeOver: () =>
      conversation?.status === "unresolved" &&
      changeStatus("escalated", "take over", "You took over from the AI agent"),
    handBack: () =>
      conversation?.status === "escalated" &&
      changeStatus("unresolved", "hand back", "Handed back to the AI agent"),
    assignToMe: () => assignTo("me"),
    assign: assignTo,
    focusComposer: (mode) => composer.current?.focus(mode),
    toggleContact: () => setContactOpen((open) => !open),
  };
  useImperativeHandle(actionsRef, () => actions);

  if (conversation === undefined) {
    return <LoadingState label="Loading conversation…" rows={6} className="p-4" />;
  }
  return (
    <div className="flex min-h-0 min-w-0 flex-1">
      <section aria-label="Conversation" className="flex min-h-0 min-w-0 flex-1 flex-col">
        <Header conversation={conversation} actions={actions} contactOpen={contactOpen} />
        <MessageThread conversationId={conversationId} pending={pending} />
        <Composer
          key={conversationId}
          ref={composer}
          conversation={conversation}
          agentName={user.name ?? user.email ?? ""}
          onPending={setPending}
          onReopen={actions.reopen}
        />
      </section>
      {contactOpen && (
        <div className="hidden min-h-0 lg:flex">
          <ContactPanel conversation={conversation} />
        </div>
      )}
    </div>
  );
}
