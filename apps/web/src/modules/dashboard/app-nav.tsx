"use client";

import { Badge } from "@parley/ui/components/badge";
import { cn } from "@parley/ui/lib/utils";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

import {
  BookIcon,
  CardIcon,
  FlaskIcon,
  HomeIcon,
  InboxIcon,
  QuestionIcon,
  UsersIcon,
  WidgetIcon,
} from "./icons";
import { useGuardedLink } from "./unsaved-changes";

type NavItem = { label: string; icon: ReactNode } & (
  { href: string; soon?: never } | { href?: never; soon: true }
);

/** The dashboard's sections, in order. */
const NAV_ITEMS: NavItem[] = [
  { label: "Overview", href: "/", icon: <HomeIcon /> },
  { label: "Conversations", href: "/conversations", icon: <InboxIcon /> },
  { label: "Knowledge base", href: "/knowledge-base", icon: <BookIcon /> },
  { label: "Test your agent", href: "/playground", icon: <FlaskIcon /> },
  { label: "Knowledge gaps", href: "/knowledge-gaps", icon: <QuestionIcon /> },
  { label: "Widget", href: "/widget", icon: <WidgetIcon /> },
  { label: "Members", href: "/members", icon: <UsersIcon /> },
  { label: "Billing", href: "/billing", icon: <CardIcon /> },
];

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

const itemClass =
  "flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors";

/** Primary navigation. With unsaved edits on the page, it asks before leaving (`useGuardedLink`). */
export function AppNav() {
  const pathname = usePathname();
  const guard = useGuardedLink();

  return (
    <nav aria-label="Dashboard" className="flex gap-1 overflow-x-auto md:flex-col">
      {NAV_ITEMS.map((item) =>
        item.soon ? (
          <span
            key={item.label}
            aria-disabled="true"
            className={cn(itemClass, "cursor-default text-muted-foreground/70")}
          >
            {item.icon}
            {item.label}
            <Badge variant="secondary" className="ml-auto">
              Soon
            </Badge>
          </span>
        ) : (
          <Link
            key={item.href}
            href={item.href}
            onClick={guard(item.href)}
            aria-current={isActive(pathname, item.href) ? "page" : undefined}
            className={cn(
              itemClass,
              isActive(pathname, item.href)
                ? "bg-accent text-accent-foreground"
                : "text-muted-foreground hover:bg-accent/60 hover:text-foreground",
            )}
          >
            {item.icon}
            {item.label}
          </Link>
        ),
      )}
    </nav>
  );
}
