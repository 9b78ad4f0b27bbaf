"use client";

import { api } from "@parley/backend/api";
import { readAppError } from "@parley/backend/errors";
import { Button } from "@parley/ui/components/button";
import { Textarea } from "@parley/ui/components/textarea";
import { cn } from "@parley/ui/lib/utils";
import { useMutation, useQuery } from "convex/react";
import { Lock, Send, Sparkles } from "lucide-react";
import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
  type KeyboardEvent,
} from "react";
import { toast } from "sonner";

import type { CannedResponse, ConversationDetail } from "./data";
import { fillTemplate } from "./format";
import type { PendingMessage } from "./message-thread";
import { useSuggestReply } from "./suggest-reply";

/** How often, at most, "the operator is typing" is sent while they type. */
const TYPING_EVERY_MS = 2_500;

export type ComposerMode = "reply" | "note";
export type ComposerHandle = { focus: (mode: ComposerMode) => void };

/** `/word` right before the caret: the canned-response picker's query. */
function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)\/([\w-]*)$/.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]!.toLowerCase() };
}

function CannedPicker({
  responses,
  query,
  active,
  onHover,
  onPick,
}: {
  responses: CannedResponse[] | undefined;
  query: string;
  active: number;
  onHover: (index: number) => void;
  onPick: (response: CannedResponse) => void;
}) {
  return (
    <div
      className="absolute right-0 bottom-full left-0 z-20 mb-1 max-h-64 overflow-y-auto rounded-lg border bg-popover text-popover-foreground shadow-lg"
      data-testid="canned-picker"
    >
      {responses === undefined ? (
        <p className="p-3 text-sm text-muted-foreground">Loading canned responses…</p>
      ) : responses.length === 0 ? (
        <p className="p-3 text-sm text-muted-foreground">
          {query ? `No canned response matches “/${query}”.` : "No canned responses yet."}
        </p>
      ) : (
        <ul role="listbox" aria-label="Canned responses">
          {responses.map((response, index) => (
            <li
              key={response._id}
              role="option"
              aria-selected={index === active}
              onMouseEnter={() => onHover(index)}
              onMouseDown={(event) => {
                event.preventDefault();
                onPick(response);
              }}
              className={cn(
                "flex cursor-pointer flex-col gap-0.5 px-3 py-2",
                index === active && "bg-accent",
              )}
            >
              <span className="text-sm font-medium">
                <span className="font-mono text-muted-foreground">/{response.shortcut}</span>{" "}
                {response.title}
              </span>
              <span className="line-clamp-1 text-xs text-muted-foreground">{response.body}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="border-t px-3 py-1.5 text-[11px] text-muted-foreground">
        ↑ ↓ to choose · Enter to insert · Esc to close
      </p>
    </div>
  );
}

/**
 * Reply to the visitor or write an internal note. Enter sends, Shift+Enter
 * starts a new line, `/` opens the canned responses. A reply shows at once
 * and is rolled back (with a toast, and the text back in the box) if the
 * backend refuses it.
 */
export const Composer = forwardRef<
  ComposerHandle,
  {
    conversation: ConversationDetail;
    agentName: string;
    onPending: (update: (pending: PendingMessage[]) => PendingMessage[]) => void;
    onReopen: () => void;
  }
>(function Composer({ conversation, agentName, onPending, onReopen }, ref) {
  const send = useMutation(api.private.messages.send);
  const addNote = useMutation(api.private.messages.addNote);
  const setTyping = useMutation(api.private.typing.set);
  const canned = useQuery(api.private.cannedResponses.list, {});
  const suggest = useSuggestReply();
  const [mode, setMode] = useState<ComposerMode>("reply");
  const [drafts, setDrafts] = useState<Record<ComposerMode, string>>({ reply: "", note: "" });
  const [picker, setPicker] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [suggesting, setSuggesting] = useState(false);
  const [suggestedSources, setSuggestedSources] = useState<{ title: string; url?: string }[]>([]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const lastTypingAt = useRef(0);
  const conversationId = conversation._id;
  const resolved = conversation.status === "resolved";
  const replyBlocked = mode === "reply" && resolved;
  const text = drafts[mode];

  useImperativeHandle(ref, () => ({
    focus: (next) => {
      setMode(next);
      requestAnimationFrame(() => textarea.current?.focus());
    },
  }));

  const stopTyping = () => {
    if (lastTypingAt.current === 0) return;
    lastTypingAt.current = 0;
    setTyping({ conversationId, typing: false }).catch(() => {});
  };
  // Leaving the conversation (or the page) stops the heartbeat.
  const stopRef = useRef(stopTyping);
  useEffect(() => {
    stopRef.current = stopTyping;
  });
  useEffect(() => () => stopRef.current(), [conversationId]);

  const filtered = (canned ?? []).filter((response) => {
    const query = picker?.query ?? "";
    return (
      !query || response.shortcut.includes(query) || response.title.toLowerCase().includes(query)
    );
  });

  const setText = (value: string) => setDrafts((current) => ({ ...current, [mode]: value }));

  const onChange = (value: string, caret: number) => {
    setText(value);
    const slash = slashQuery(value, caret);
    setPicker(slash);
    if (slash && slash.query !== picker?.query) setActive(0);
    if (mode !== "reply" || resolved) return;
    if (!value.trim()) {
      stopTyping();
    } else if (Date.now() - lastTypingAt.current > TYPING_EVERY_MS) {
      lastTypingAt.current = Date.now();
      setTyping({ conversationId, typing: true }).catch(() => {});
    }
  };

  const insertCanned = (response: CannedResponse) => {
    if (!picker) return;
    const filled = fillTemplate(response.body, {
      contactName: conversation.contact.name,
      agentName,
    });
    const caret = picker.start + 1 + picker.query.length;
    const next = text.slice(0, picker.start) + filled + text.slice(caret);
    setText(next);
    setPicker(null);
    requestAnimationFrame(() => {
      const element = textarea.current;
      if (!element) return;
      element.focus();
      const at = picker.start + filled.length;
      element.setSelectionRange(at, at);
    });
  };

  const submit = () => {
    const body = text.trim();
    if (!body || replyBlocked) return;
    const key = `pending-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const sentMode = mode;
    onPending((current) => [
      ...current,
      { key, role: sentMode === "reply" ? "operator" : "note", body, at: Date.now() },
    ]);
    setDrafts((current) => ({ ...current, [sentMode]: "" }));
    setSuggestedSources([]);
    if (sentMode === "reply") stopTyping();
    const call =
      sentMode === "reply" ? send({ conversationId, body }) : addNote({ conversationId, body });
    call
      .catch((error: unknown) => {
        toast.error(sentMode === "reply" ? "Your reply was not sent" : "Your note was not saved", {
          description: readAppError(error).message,
        });
        // Put the text back unless something new was typed meanwhile.
        setDrafts((current) => (current[sentMode] ? current : { ...current, [sentMode]: body }));
      })
      .finally(() => onPending((current) => current.filter((message) => message.key !== key)));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (picker) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((index) =>
          filtered.length ? (index + step + filtered.length) % filtered.length : 0,
        );
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && filtered[active]) {
        event.preventDefault();
        insertCanned(filtered[active]);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setPicker(null);
        return;
      }
    }
    if (event.key === "Escape") {
      event.currentTarget.blur();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const runSuggest = async () => {
    setSuggesting(true);
    try {
      const draft = await suggest({ conversationId });
      setMode("reply");
      setDrafts((current) => ({ ...current, reply: draft.body }));
      setSuggestedSources(draft.sources);
      textarea.current?.focus();
    } catch (error) {
      toast.error("No suggestion this time", { description: readAppError(error).message });
    } finally {
      setSuggesting(false);
    }
  };

  return (
    <div className="border-t bg-background p-3">
      <div className="mb-2 flex items-center gap-1" role="tablist" aria-label="Composer mode">
        {(["reply", "note"] as const).map((value) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={mode === value}
            onClick={() => {
              if (value === "note") stopTyping();
              setMode(value);
              setPicker(null);
            }}
            className={cn(
              "inline-flex items-center gap-1 rounded-md px-2.5 py-1 text-xs font-medium",
              mode === value
                ? value === "note"
                  ? "bg-amber-100 text-amber-950 dark:bg-amber-900/50 dark:text-amber-100"
                  : "bg-primary text-primary-foreground"
                : "text-muted-foreground hover:bg-accent",
            )}
          >
            {value === "note" && <Lock className="size-3" aria-hidden="true" />}
            {value === "reply" ? "Reply" : "Note"}
          </button>
        ))}
        {mode === "reply" && !resolved && (
          <Button
            variant="ghost"
            size="sm"
            className="ml-auto"
            disabled={suggesting}
            onClick={() => void runSuggest()}
          >
            <Sparkles /> {suggesting ? "Suggesting…" : "Suggest reply"}
          </Button>
        )}
      </div>
      {replyBlocked ? (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-dashed px-3 py-3 text-sm text-muted-foreground">
          <span>This conversation is resolved. Reopen to reply; notes are still allowed.</span>
          <Button size="sm" variant="outline" onClick={onReopen}>
            Reopen
          </Button>
        </div>
      ) : (
        <div className="relative">
          {picker && (
            <CannedPicker
              responses={canned === undefined ? undefined : filtered}
              query={picker.query}
              active={active}
              onHover={setActive}
              onPick={insertCanned}
            />
          )}
          <Textarea
            ref={textarea}
            aria-label={mode === "reply" ? "Reply to the visitor" : "Internal note"}
            rows={3}
            value={text}
            placeholder={
              mode === "reply"
                ? "Reply… (Enter to send, Shift+Enter for a new line, / for canned responses)"
                : "Write a note only your team sees…"
            }
            onChange={(event) => onChange(event.target.value, event.target.selectionStart)}
            onKeyDown={onKeyDown}
            onBlur={() => {
              setPicker(null);
              if (mode === "reply") stopTyping();
            }}
            className={cn(
              "max-h-48 resize-none pr-12",
              mode === "note" && "border-amber-300 bg-amber-50/60 dark:bg-amber-950/30",
            )}
          />
          <Button
            size="icon"
            aria-label={mode === "reply" ? "Send reply" : "Add note"}
            className="absolute right-2 bottom-2 size-8"
            disabled={!text.trim()}
            onClick={submit}
          >
            <Send />
          </Button>
        </div>
      )}
      {suggestedSources.length > 0 && mode === "reply" && (
        <p className="mt-1 text-xs text-muted-foreground">
          Suggested from: {suggestedSources.map((source) => source.title).join(", ")}. Review before
          sending.
        </p>
      )}
      {mode === "note" && (
        <p className="mt-1 flex items-center gap-1 text-xs text-muted-foreground">
          <Lock className="size-3" aria-hidden="true" /> Only your team sees notes.
        </p>
      )}
    </div>
  );
});
