"use client";

import { cn } from "@parley/ui/lib/utils";
import { Star } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";

import { StatusBadge } from "./conversation-list";
import { useNow, type ConversationDetail } from "./data";
import { contactLabel, relativeTime, summarizeUserAgent } from "./format";

function Stars({ rating }: { rating: number }) {
  return (
    <span className="inline-flex" role="img" aria-label={`${rating} out of 5`}>
      {[1, 2, 3, 4, 5].map((value) => (
        <Star
          key={value}
          aria-hidden="true"
          className={cn(
            "size-4",
            value <= rating ? "fill-amber-400 text-amber-400" : "text-muted-foreground/40",
          )}
        />
      ))}
    </span>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  if (children === undefined || children === null || children === "") return null;
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm break-words">{children}</dd>
    </div>
  );
}

function ExternalLink({ href }: { href: string }) {
  return /^https?:\/\//.test(href) ? (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className="underline underline-offset-2 hover:text-foreground"
    >
      {href}
    </a>
  ) : (
    href
  );
}

/** Who the visitor is: what they told us, what their browser says, and their history. */
export function ContactPanel({ conversation }: { conversation: ConversationDetail }) {
  const now = useNow();
  const { contact } = conversation;
  const metadata = contact.metadata;
  return (
    <aside
      aria-label="Contact"
      className="flex min-h-0 w-72 shrink-0 flex-col gap-4 overflow-y-auto border-l p-4"
    >
      <div>
        <h3 className="font-semibold">{contactLabel(contact, conversation._id)}</h3>
        {contact.email && (
          <a href={`mailto:${contact.email}`} className="text-sm text-muted-foreground underline">
            {contact.email}
          </a>
        )}
      </div>
      <dl className="flex flex-col gap-3">
        <Field label="Page">{metadata.pageUrl && <ExternalLink href={metadata.pageUrl} />}</Field>
        <Field label="Referrer">
          {metadata.referrer && <ExternalLink href={metadata.referrer} />}
        </Field>
        <Field label="Language">{metadata.language}</Field>
        <Field label="Timezone">{metadata.timezone}</Field>
        <Field label="Browser">{summarizeUserAgent(metadata.userAgent)}</Field>
        <Field label="Screen">{metadata.screenResolution}</Field>
        <Field label="Session started">
          <time
            dateTime={new Date(conversation.session.startedAt).toISOString()}
            title={new Date(conversation.session.startedAt).toLocaleString()}
          >
            {relativeTime(conversation.session.startedAt, now)}
          </time>
        </Field>
      </dl>
      <section aria-label="Rating" className="flex flex-col gap-1" data-testid="csat">
        <h4 className="text-xs font-medium text-muted-foreground">Rating</h4>
        {conversation.csat ? (
          <>
            <Stars rating={conversation.csat.rating} />
            {conversation.csat.comment && (
              <blockquote className="border-l-2 pl-2 text-sm italic">
                {conversation.csat.comment}
              </blockquote>
            )}
          </>
        ) : (
          <p className="text-sm text-muted-foreground">
            {conversation.status === "resolved" ? "Not rated yet." : "Asked when resolved."}
          </p>
        )}
      </section>
      <section aria-label="Previous conversations" className="flex flex-col gap-1">
        <h4 className="text-xs font-medium text-muted-foreground">Previous conversations</h4>
        {conversation.previous.length === 0 ? (
          <p className="text-sm text-muted-foreground">None: this is their first.</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {conversation.previous.map((previous) => (
              <li key={previous._id}>
                <Link
                  href={`/conversations?c=${previous._id}`}
                  className="flex flex-col gap-0.5 rounded-md border px-2 py-1.5 hover:bg-accent"
                >
                  <span className="flex items-center gap-2">
                    <StatusBadge status={previous.status} />
                    <span className="ml-auto text-xs text-muted-foreground">
                      {relativeTime(previous.lastMessageAt, now)}
                    </span>
                  </span>
                  <span className="line-clamp-1 text-xs text-muted-foreground">
                    {previous.lastMessagePreview ?? "No messages"}
                  </span>
                  {previous.csat && <Stars rating={previous.csat.rating} />}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}
