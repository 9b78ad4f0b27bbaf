"use client";

import { api } from "@parley/backend/api";
import type {
  AssigneeFilter,
  Channel,
  ConversationStatus,
  InboxSort,
} from "@parley/backend/validators";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import { Input } from "@parley/ui/components/input";
import { NativeSelect } from "@parley/ui/components/native-select";
import { cn } from "@parley/ui/lib/utils";
import { usePaginatedQuery, useQuery } from "convex/react";
import { MessageSquare, Phone, Search, X } from "lucide-react";
import { useEffect, useRef, useState, type ReactNode, type RefObject } from "react";

import { EmptyState, LoadingState } from "~/modules/dashboard/states";

import { STATUS_LABEL, useNow, type ConversationId, type InboxConversation } from "./data";
import { contactLabel, initials, relativeTime, waitingFor } from "./format";

const PAGE_SIZE = 25;

export type InboxFilters = {
  status: ConversationStatus | "all";
  assignee: AssigneeFilter;
  channel: Channel | "all";
  sort: InboxSort;
};

export const DEFAULT_FILTERS: InboxFilters = {
  status: "all",
  assignee: "everyone",
  channel: "all",
  sort: "latest",
};

const STATUS_TABS: { value: InboxFilters["status"]; label: string }[] = [
  { value: "all", label: "All" },
  { value: "unresolved", label: "Unresolved (AI)" },
  { value: "escalated", label: "Escalated" },
  { value: "resolved", label: "Resolved" },
];

export function StatusBadge({ status }: { status: ConversationStatus }) {
  return (
    <Badge
      variant={status === "escalated" ? "warning" : status === "resolved" ? "success" : "secondary"}
      data-status={status}
    >
      {STATUS_LABEL[status]}
    </Badge>
  );
}

export function Avatar({ name, className }: { name: string; className?: string }) {
  return (
    <span
      title={name}
      aria-label={`Assigned to ${name}`}
      className={cn(
        "inline-flex size-6 shrink-0 items-center justify-center rounded-full bg-primary/10 text-[10px] font-semibold text-primary",
        className,
      )}
    >
      {initials(name)}
    </span>
  );
}

export function ChannelIcon({ channel }: { channel: Channel }) {
  return channel === "voice" ? (
    <Phone className="size-3.5 shrink-0 text-muted-foreground" aria-label="Voice" />
  ) : (
    <MessageSquare className="size-3.5 shrink-0 text-muted-foreground" aria-label="Chat" />
  );
}

function ConversationRow({
  conversation,
  selected,
  now,
  onSelect,
}: {
  conversation: InboxConversation;
  selected: boolean;
  now: number;
  onSelect: (id: ConversationId) => void;
}) {
  const name = contactLabel(conversation.contact, conversation._id);
  return (
    <li>
      <button
        type="button"
        data-conversation-id={conversation._id}
        data-unread={conversation.unread || undefined}
        aria-current={selected ? "true" : undefined}
        onClick={() => onSelect(conversation._id)}
        className={cn(
          "flex w-full flex-col gap-1 border-l-2 border-transparent px-3 py-2.5 text-left outline-none hover:bg-accent/60 focus-visible:bg-accent",
          selected && "border-primary bg-accent",
        )}
      >
        <span className="flex items-center gap-2">
          {conversation.unread && (
            <span className="size-2 shrink-0 rounded-full bg-primary" aria-label="Unread" />
          )}
          <ChannelIcon channel={conversation.channel} />
          <span
            className={cn(
              "min-w-0 flex-1 truncate text-sm",
              conversation.unread && "font-semibold",
            )}
          >
            {name}
          </span>
          <time
            dateTime={new Date(conversation.lastMessageAt).toISOString()}
            title={new Date(conversation.lastMessageAt).toLocaleString()}
            className="shrink-0 text-xs text-muted-foreground"
          >
            {relativeTime(conversation.lastMessageAt, now)}
          </time>
        </span>
        <span
          className={cn(
            "line-clamp-1 text-xs text-muted-foreground",
            conversation.unread && "font-medium text-foreground",
          )}
        >
          {conversation.lastMessagePreview ?? "No messages yet"}
        </span>
        <span className="flex items-center gap-2">
          <StatusBadge status={conversation.status} />
          {conversation.status === "escalated" && conversation.waitingSince !== undefined && (
            <span
              className="text-xs font-medium text-amber-700 dark:text-amber-400"
              data-testid="waiting"
            >
              {waitingFor(conversation.waitingSince, now)}
            </span>
          )}
          <span className="ml-auto">
            {conversation.assignee ? (
              <Avatar name={conversation.assignee.name} />
            ) : (
              <span className="text-xs text-muted-foreground">Unassigned</span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

function Rows({
  conversations,
  selectedId,
  onSelect,
  footer,
}: {
  conversations: InboxConversation[];
  selectedId: ConversationId | null;
  onSelect: (id: ConversationId) => void;
  footer?: ReactNode;
}) {
  const now = useNow();
  return (
    <>
      <ul aria-label="Conversations" className="divide-y">
        {conversations.map((conversation) => (
          <ConversationRow
            key={conversation._id}
            conversation={conversation}
            selected={conversation._id === selectedId}
            now={now}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {footer}
    </>
  );
}

/** Calls `onVisible` whenever the element scrolls into view (infinite scroll). */
function LoadMoreSentinel({ onVisible }: { onVisible: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onVisible);
  useEffect(() => {
    callback.current = onVisible;
  });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) callback.current();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return <div ref={ref} className="h-1" />;
}

function FilteredList({
  filters,
  selectedId,
  onSelect,
  onVisible,
}: {
  filters: InboxFilters;
  selectedId: ConversationId | null;
  onSelect: (id: ConversationId) => void;
  onVisible: (ids: ConversationId[]) => void;
}) {
  const { results, status, loadMore } = usePaginatedQuery(
    api.private.conversations.list,
    {
      ...(filters.status !== "all" && filters.sort === "latest" ? { status: filters.status } : {}),
      assignee: filters.assignee,
      ...(filters.channel !== "all" ? { channel: filters.channel } : {}),
      sort: filters.sort,
    },
    { initialNumItems: PAGE_SIZE },
  );
  useEffect(() => {
    onVisible(results.map((conversation) => conversation._id));
  }, [results, onVisible]);

  if (status === "LoadingFirstPage") {
    return <LoadingState label="Loading conversations…" rows={5} className="p-3" />;
  }
  if (results.length === 0) {
    const filtered =
      filters.status !== "all" ||
      filters.assignee !== "everyone" ||
      filters.channel !== "all" ||
      filters.sort !== "latest";
    return (
      <div className="p-3">
        <EmptyState title={filtered ? "Nothing here" : "No conversations yet"}>
          {filtered
            ? filters.sort === "waiting"
              ? "Nobody is waiting for a human right now."
              : "No conversation matches these filters."
            : "When visitors write, they appear here."}
        </EmptyState>
      </div>
    );
  }
  return (
    <Rows
      conversations={results}
      selectedId={selectedId}
      onSelect={onSelect}
      footer={
        <>
          {status === "CanLoadMore" && <LoadMoreSentinel onVisible={() => loadMore(PAGE_SIZE)} />}
          {status === "LoadingMore" && (
            <LoadingState label="Loading more conversations…" rows={1} className="p-3" />
          )}
        </>
      }
    />
  );
}

function SearchResults({
  query,
  selectedId,
  onSelect,
  onVisible,
}: {
  query: string;
  selectedId: ConversationId | null;
  onSelect: (id: ConversationId) => void;
  onVisible: (ids: ConversationId[]) => void;
}) {
  const results = useQuery(api.private.conversations.search, { query });
  useEffect(() => {
    if (results) onVisible(results.map((conversation) => conversation._id));
  }, [results, onVisible]);
  if (results === undefined) return <LoadingState label="Searching…" rows={3} className="p-3" />;
  if (results.length === 0) {
    return (
      <div className="p-3">
        <EmptyState title="No matches">
          No conversation has a visitor or a message matching “{query}”.
        </EmptyState>
      </div>
    );
  }
  return <Rows conversations={results} selectedId={selectedId} onSelect={onSelect} />;
}

/** Debounce a value by `delayMs`. */
function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

function StatusTabs({
  value,
  onChange,
  disabled,
}: {
  value: InboxFilters["status"];
  onChange: (status: InboxFilters["status"]) => void;
  disabled: boolean;
}) {
  const counts = useQuery(api.private.conversations.counts, {});
  const countOf = (status: InboxFilters["status"]) =>
    counts === undefined
      ? undefined
      : status === "all"
        ? counts.unresolved + counts.escalated + counts.resolved
        : counts[status];
  return (
    <div role="tablist" aria-label="Status" className="flex flex-wrap gap-1">
      {STATUS_TABS.map((tab) => {
        const count = countOf(tab.value);
        const active = value === tab.value;
        return (
          <button
            key={tab.value}
            type="button"
            role="tab"
            aria-selected={active}
            disabled={disabled}
            onClick={() => onChange(tab.value)}
            className={cn(
              "inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-medium transition-colors disabled:opacity-50",
              active
                ? "bg-primary text-primary-foreground"
                : "text-muted-foreground hover:bg-accent hover:text-foreground",
            )}
          >
            {tab.label}
            {count !== undefined && (
              <span
                data-testid={`count-${tab.value}`}
                className={cn(
                  "rounded px-1 tabular-nums",
                  active ? "bg-primary-foreground/20" : "bg-muted",
                )}
              >
                {count}
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

/**
 * The left column: search, filters and the live list. Keeps the ids it
 * shows in `visibleIds` (for j/k) and the search box in `searchRef` (for `/`).
 */
export function ConversationList({
  filters,
  onFiltersChange,
  selectedId,
  onSelect,
  onVisible,
  searchRef,
}: {
  filters: InboxFilters;
  onFiltersChange: (filters: InboxFilters) => void;
  selectedId: ConversationId | null;
  onSelect: (id: ConversationId) => void;
  onVisible: (ids: ConversationId[]) => void;
  searchRef: RefObject<HTMLInputElement | null>;
}) {
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 300);
  const searching = query.length > 0;
  const waiting = filters.sort === "waiting";

  return (
    <section aria-label="Conversation list" className="flex min-h-0 flex-col border-r">
      <div className="flex flex-col gap-2 border-b p-3">
        <div className="relative">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input
            ref={searchRef}
            type="search"
            aria-label="Search conversations"
            placeholder="Search name, email or message"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                setSearch("");
                event.currentTarget.blur();
              }
            }}
            className="pr-8 pl-8"
          />
          {search && (
            <Button
              variant="ghost"
              size="icon"
              aria-label="Clear search"
              className="absolute top-1/2 right-0.5 size-7 -translate-y-1/2"
              onClick={() => setSearch("")}
            >
              <X />
            </Button>
          )}
        </div>
        <StatusTabs
          value={waiting ? "escalated" : filters.status}
          disabled={searching || waiting}
          onChange={(status) => onFiltersChange({ ...filters, status })}
        />
        <div className="grid grid-cols-3 gap-1.5">
          <NativeSelect
            aria-label="Assignee"
            disabled={searching}
            value={filters.assignee}
            onChange={(event) =>
              onFiltersChange({ ...filters, assignee: event.target.value as AssigneeFilter })
            }
            className="h-8 pl-2 text-xs"
          >
            <option value="everyone">Everyone</option>
            <option value="me">Mine</option>
            <option value="unassigned">Unassigned</option>
          </NativeSelect>
          <NativeSelect
            aria-label="Channel"
            disabled={searching}
            value={filters.channel}
            onChange={(event) =>
              onFiltersChange({
                ...filters,
                channel: event.target.value as InboxFilters["channel"],
              })
            }
            className="h-8 pl-2 text-xs"
          >
            <option value="all">All channels</option>
            <option value="chat">Chat</option>
            <option value="voice">Voice</option>
          </NativeSelect>
          <NativeSelect
            aria-label="Sort"
            disabled={searching}
            value={filters.sort}
            onChange={(event) =>
              onFiltersChange({ ...filters, sort: event.target.value as InboxSort })
            }
            className="h-8 pl-2 text-xs"
          >
            <option value="latest">Latest</option>
            <option value="waiting">Longest waiting</option>
          </NativeSelect>
        </div>
        {waiting && !searching && (
          <p className="text-xs text-muted-foreground">
            Escalated conversations whose visitor has waited longest come first.
          </p>
        )}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto" data-testid="conversation-list">
        {searching ? (
          <SearchResults
            query={query}
            selectedId={selectedId}
            onSelect={onSelect}
            onVisible={onVisible}
          />
        ) : (
          <FilteredList
            filters={filters}
            selectedId={selectedId}
            onSelect={onSelect}
            onVisible={onVisible}
          />
        )}
      </div>
    </section>
  );
}
