"use client";

import { api } from "@parley/backend/api";
import type { Doc } from "@parley/backend/dataModel";
import { readAppError } from "@parley/backend/errors";
import { LIMITS, type PreChatFields } from "@parley/backend/validators";
import { Alert, AlertDescription, AlertTitle } from "@parley/ui/components/alert";
import { Badge } from "@parley/ui/components/badge";
import { Button } from "@parley/ui/components/button";
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
} from "@parley/ui/components/card";
import { Input } from "@parley/ui/components/input";
import { Label } from "@parley/ui/components/label";
import { NativeSelect } from "@parley/ui/components/native-select";
import { Switch } from "@parley/ui/components/switch";
import { Textarea } from "@parley/ui/components/textarea";
import { cn } from "@parley/ui/lib/utils";
import { useMutation, useQuery } from "convex/react";
import Link from "next/link";
import {
  useId,
  useMemo,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";

import { isUpgradeError, UpgradePrompt } from "~/modules/billing/upgrade";
import { ErrorIcon, InfoIcon } from "~/modules/dashboard/icons";
import { EmptyState, LoadingState, PageHeader } from "~/modules/dashboard/states";
import { useReportUnsavedChanges } from "~/modules/dashboard/unsaved-changes";
import { useWorkspace } from "~/modules/workspace/workspace-context";

import { AllowedDomainsWarning } from "./allowed-domains-warning";
import { EmbedSnippetCard } from "./embed-snippet-card";
import { LogoField } from "./logo-field";
import { changedFields, valuesOf, withDomain, type SettingsValues } from "./settings-form";
import { WidgetPreview } from "./widget-preview";

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "error"; message: string; error?: unknown };

function Field({
  label,
  htmlFor,
  hint,
  children,
}: {
  label: string;
  htmlFor: string;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
    </div>
  );
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id?: string;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card id={id} className="scroll-mt-20">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description && <CardDescription>{description}</CardDescription>}
      </CardHeader>
      <CardContent className="flex flex-col gap-5">{children}</CardContent>
    </Card>
  );
}

const PRE_CHAT_OPTIONS = [
  { value: "off", label: "Don't ask" },
  { value: "optional", label: "Ask (optional)" },
  { value: "required", label: "Ask (required)" },
] as const;

function SuggestionsEditor({
  suggestions,
  onChange,
}: {
  suggestions: string[];
  onChange: (suggestions: string[]) => void;
}) {
  const id = useId();
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-2 text-sm font-medium">Suggested questions</legend>
      {suggestions.length === 0 && (
        <p className="text-sm text-muted-foreground">
          No suggestions: visitors start by typing their own question.
        </p>
      )}
      {suggestions.map((suggestion, index) => (
        <div key={index} className="flex gap-2">
          <Label htmlFor={`${id}-${index}`} className="sr-only">
            Suggestion {index + 1}
          </Label>
          <Input
            id={`${id}-${index}`}
            value={suggestion}
            onChange={(event) =>
              onChange(suggestions.map((s, i) => (i === index ? event.target.value : s)))
            }
          />
          <Button
            type="button"
            variant="ghost"
            onClick={() => onChange(suggestions.filter((_, i) => i !== index))}
            aria-label={`Remove suggestion ${index + 1}`}
          >
            Remove
          </Button>
        </div>
      ))}
      <div className="flex items-center gap-3">
        <Button
          type="button"
          variant="outline"
          size="sm"
          disabled={suggestions.length >= LIMITS.suggestions}
          onClick={() => onChange([...suggestions, ""])}
        >
          Add suggestion
        </Button>
        <span className="text-xs text-muted-foreground">
          Up to {LIMITS.suggestions}, shown as buttons under the greeting.
        </span>
      </div>
    </fieldset>
  );
}

function DomainsEditor({
  domains,
  saved,
  onChange,
}: {
  domains: string[];
  saved: string[];
  onChange: (domains: string[]) => void;
}) {
  const [entry, setEntry] = useState("");
  const add = () => {
    onChange(withDomain(domains, entry));
    setEntry("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter adds the domain rather than saving the whole form.
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  };
  return (
    <div className="flex flex-col gap-3">
      {domains.length > 0 ? (
        <ul aria-label="Allowed domains" className="flex flex-col divide-y rounded-md border">
          {domains.map((domain) => (
            <li key={domain} className="flex items-center justify-between gap-2 px-3 py-1.5">
              <span className="font-mono text-sm">{domain}</span>
              <Button
                type="button"
                variant="ghost"
                size="sm"
                aria-label={`Remove ${domain}`}
                onClick={() => onChange(domains.filter((d) => d !== domain))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted-foreground">
          {saved.length > 0
            ? "The list is empty: once you save, every website can embed your widget."
            : "No domains: every website can embed your widget."}
        </p>
      )}
      <div className="flex gap-2">
        <Label htmlFor="add-domain" className="sr-only">
          Add a domain
        </Label>
        <Input
          id="add-domain"
          placeholder="shop.example.com or *.example.com"
          value={entry}
          onChange={(event) => setEntry(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <Button
          type="button"
          variant="outline"
          onClick={add}
          disabled={!entry.trim() || domains.length >= LIMITS.allowedDomains}
        >
          Add domain
        </Button>
      </div>
    </div>
  );
}

function SettingsForm({ settings }: { settings: Doc<"widgetSettings"> }) {
  const { isAdmin, name: organizationName, features } = useWorkspace();
  const update = useMutation(api.private.widgetSettings.update);
  const saved = useMemo(() => valuesOf(settings), [settings]);
  const [draft, setDraft] = useState<SettingsValues | null>(null);
  const [state, setState] = useState<SaveState>({ kind: "idle" });

  // A draft that matches what is saved is no draft: the form follows the
  // backend again, so another admin's save shows up here live.
  const patch = draft ? changedFields(saved, draft) : {};
  const dirty = Object.keys(patch).length > 0;
  const values = dirty && draft ? draft : saved;
  useReportUnsavedChanges("widget-settings", dirty);

  const edit = (change: Partial<SettingsValues>) => {
    setDraft({ ...values, ...change });
    if (state.kind !== "saving") setState({ kind: "idle" });
  };
  const editPreChat = (field: keyof PreChatFields, value: string) =>
    edit({
      preChatFields: { ...values.preChatFields, [field]: value as PreChatFields[typeof field] },
    });

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!dirty || state.kind === "saving") return;
    setState({ kind: "saving" });
    const submitted = draft;
    try {
      await update(patch);
      // The query already holds the saved (normalised) values: show those,
      // unless the admin kept typing while it saved.
      setDraft((current) => (current === submitted ? null : current));
      setState({ kind: "saved" });
    } catch (error) {
      setState({ kind: "error", message: readAppError(error).message, error });
    }
  };

  const discard = () => {
    setDraft(null);
    setState({ kind: "idle" });
  };

  return (
    <form onSubmit={save} className="flex flex-col gap-6" aria-label="Widget settings">
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_17rem]">
        <fieldset disabled={!isAdmin} className="flex min-w-0 flex-col gap-6">
          <Section title="Appearance" description="How the chat introduces itself.">
            <Field label="Agent name" htmlFor="agent-name" hint="Shown at the top of the chat.">
              <Input
                id="agent-name"
                value={values.agentName}
                onChange={(event) => edit({ agentName: event.target.value })}
              />
            </Field>
            <LogoField agentName={values.agentName} />
            <div className="grid gap-5 sm:grid-cols-2">
              <Field label="Primary color" htmlFor="primary-color" hint="A hex color like #4f46e5.">
                <div className="flex gap-2">
                  <input
                    type="color"
                    aria-label="Pick the primary color"
                    value={HEX_COLOR.test(values.primaryColor) ? values.primaryColor : "#000000"}
                    onChange={(event) => edit({ primaryColor: event.target.value })}
                    className="h-9 w-12 shrink-0 cursor-pointer rounded-md border bg-background p-1 disabled:cursor-not-allowed disabled:opacity-50"
                  />
                  <Input
                    id="primary-color"
                    value={values.primaryColor}
                    onChange={(event) => edit({ primaryColor: event.target.value.trim() })}
                    className="font-mono"
                  />
                </div>
              </Field>
              <Field label="Launcher position" htmlFor="position">
                <NativeSelect
                  id="position"
                  value={values.position}
                  onChange={(event) =>
                    edit({ position: event.target.value as SettingsValues["position"] })
                  }
                >
                  <option value="bottom-right">Bottom right</option>
                  <option value="bottom-left">Bottom left</option>
                </NativeSelect>
              </Field>
            </div>
          </Section>

          <Section
            title="Messages"
            description="The first thing visitors read, and questions they can ask in one click."
          >
            <Field
              label="Greeting"
              htmlFor="greeting"
              hint={`${values.greeting.length} / ${LIMITS.greeting} characters`}
            >
              <Textarea
                id="greeting"
                rows={3}
                value={values.greeting}
                onChange={(event) => edit({ greeting: event.target.value })}
              />
            </Field>
            <SuggestionsEditor
              suggestions={values.suggestions}
              onChange={(suggestions) => edit({ suggestions })}
            />
          </Section>

          <Section
            title="Pre-chat form"
            description="What visitors are asked before their first message."
          >
            <div className="grid gap-5 sm:grid-cols-2">
              {(["name", "email"] as const).map((field) => (
                <Field key={field} label={`Visitor's ${field}`} htmlFor={`pre-chat-${field}`}>
                  <NativeSelect
                    id={`pre-chat-${field}`}
                    value={values.preChatFields[field]}
                    onChange={(event) => editPreChat(field, event.target.value)}
                  >
                    {PRE_CHAT_OPTIONS.map((option) => (
                      <option key={option.value} value={option.value}>
                        {option.label}
                      </option>
                    ))}
                  </NativeSelect>
                </Field>
              ))}
            </div>
          </Section>

          <Section
            id="allowed-domains"
            title="Allowed domains"
            description={
              <>
                The websites that may show your chat, e.g. <code>shop.example.com</code>, or{" "}
                <code>*.example.com</code> for every subdomain. An empty list allows all sites.
              </>
            }
          >
            <DomainsEditor
              domains={values.allowedDomains}
              saved={saved.allowedDomains}
              onChange={(allowedDomains) => edit({ allowedDomains })}
            />
          </Section>

          <Section title="Voice">
            <div className="flex items-start justify-between gap-4">
              <div className="flex flex-col gap-1">
                <Label htmlFor="voice-enabled">Voice calls</Label>
                <p className="text-xs text-muted-foreground">
                  Shows a call button in the widget: visitors talk with the agent using their
                  browser&apos;s speech, and the call appears in the inbox as a voice conversation.
                </p>
              </div>
              {features.voice || values.voiceEnabled ? (
                <Switch
                  id="voice-enabled"
                  checked={values.voiceEnabled}
                  onCheckedChange={(voiceEnabled) => edit({ voiceEnabled })}
                />
              ) : (
                <Link href="/billing" data-testid="voice-upgrade">
                  <Badge variant="secondary">Pro plan</Badge>
                </Link>
              )}
            </div>
          </Section>
        </fieldset>

        <div className="lg:sticky lg:top-22 lg:self-start">
          <WidgetPreview values={values} organizationName={organizationName} />
        </div>
      </div>

      {isAdmin && (
        <div
          className={cn(
            "flex flex-col gap-3 rounded-lg border bg-background/95 p-3 shadow-sm backdrop-blur",
            // Pinned to the bottom of the window while there is something to save or read.
            (dirty || state.kind === "error") && "sticky bottom-2 z-10",
          )}
        >
          {state.kind === "error" &&
            (isUpgradeError(state.error) ? (
              <UpgradePrompt error={state.error} />
            ) : (
              <Alert variant="destructive" role="alert">
                <ErrorIcon />
                <AlertTitle>Your changes were not saved</AlertTitle>
                <AlertDescription>
                  <p data-testid="save-error">{state.message}</p>
                </AlertDescription>
              </Alert>
            ))}
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p role="status" className="text-sm text-muted-foreground">
              {state.kind === "saving" ? (
                "Saving…"
              ) : dirty ? (
                <Badge variant="warning">Unsaved changes</Badge>
              ) : state.kind === "saved" ? (
                "All changes saved."
              ) : (
                `Last saved ${new Date(settings.updatedAt).toLocaleString()}.`
              )}
            </p>
            <div className="flex gap-2">
              <Button
                type="button"
                variant="outline"
                onClick={discard}
                disabled={!dirty || state.kind === "saving"}
              >
                Discard changes
              </Button>
              <Button type="submit" disabled={!dirty || state.kind === "saving"}>
                {state.kind === "saving" ? "Saving…" : "Save changes"}
              </Button>
            </div>
          </div>
        </div>
      )}
    </form>
  );
}

/** Widget settings: what the chat looks like and where it may run, plus the install snippet. */
export function WidgetSettingsView() {
  const { isAdmin } = useWorkspace();
  const settings = useQuery(api.private.widgetSettings.get, {});

  return (
    <>
      <PageHeader
        title="Widget"
        description="How the chat looks and behaves on your website, and how to install it."
      />
      {!isAdmin && (
        <Alert data-testid="read-only-notice">
          <InfoIcon />
          <AlertTitle>View only</AlertTitle>
          <AlertDescription>
            Only admins can change the widget settings. Ask an admin of your organization to make
            changes; you can still copy the install snippet.
          </AlertDescription>
        </Alert>
      )}
      {settings === undefined ? (
        <LoadingState label="Loading widget settings…" rows={4} />
      ) : settings === null ? (
        <EmptyState title="No widget settings yet">
          Your organization&apos;s widget has not been set up. Reload the page to create it with the
          defaults.
        </EmptyState>
      ) : (
        <>
          {settings.allowedDomains.length === 0 && <AllowedDomainsWarning linkToSettings={false} />}
          <EmbedSnippetCard />
          <SettingsForm settings={settings} />
        </>
      )}
    </>
  );
}
