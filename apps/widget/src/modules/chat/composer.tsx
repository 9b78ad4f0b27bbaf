import { useState, type FormEvent, type KeyboardEvent } from "react";

import { Button } from "../widget/controls";
import { ErrorNotice } from "../widget/states";

/** Longest message the backend accepts. */
const MAX_MESSAGE = 4000;

/**
 * Where the visitor types. Enter sends, Shift+Enter adds a line. The draft
 * clears at once (the message shows optimistically); if sending fails, the
 * text comes back so nothing typed is lost.
 */
export function Composer({
  onSend,
  onTyping,
  error,
}: {
  onSend: (body: string) => Promise<boolean>;
  /** Told when the visitor types (throttled by the caller) or clears the box. */
  onTyping?: (typing: boolean) => void;
  error: string | undefined;
}) {
  const [draft, setDraft] = useState("");

  const submit = async () => {
    const body = draft.trim();
    if (!body) return;
    setDraft("");
    onTyping?.(false);
    const sent = await onSend(body);
    if (!sent) setDraft((current) => current || body);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-2 border-t p-3">
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <div className="flex items-end gap-2">
        <textarea
          name="message"
          aria-label="Message"
          placeholder="Type your message…"
          rows={1}
          maxLength={MAX_MESSAGE}
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
            onTyping?.(event.target.value.trim() !== "");
          }}
          onKeyDown={onKeyDown}
          className="field-sizing-content max-h-32 min-h-9 w-full resize-none rounded-md border border-input bg-background px-3 py-2 text-sm outline-none placeholder:text-muted-foreground focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40"
        />
        <Button type="submit" size="icon" aria-label="Send" disabled={draft.trim() === ""}>
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
            <path d="M22 2 11 13" />
            <path d="M22 2 15 22l-4-9-9-4 20-7Z" />
          </svg>
        </Button>
      </div>
    </form>
  );
}
