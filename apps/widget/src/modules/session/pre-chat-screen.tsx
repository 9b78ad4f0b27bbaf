import type { PreChatFields } from "@parley/backend/validators";
import type { Identity } from "@parley/widget-protocol";
import { useState, type FormEvent, type ReactNode } from "react";

import { useHost } from "../host/host-bridge";
import { Button, Input } from "../widget/controls";
import { describeError } from "../widget/describe-error";
import { ErrorNotice } from "../widget/states";
import { browserMetadata } from "./browser-metadata";
import { startSession } from "./start-session";

type Props = {
  organizationId: string;
  greeting: string;
  preChatFields: PreChatFields;
  onStarted: (sessionToken: string) => void;
};

/**
 * Before the first chat: the greeting and the fields the organization asks
 * for (name and email, each off, optional or required), prefilled from
 * `Parley.identify()`. Submitting starts the visitor's session.
 */
export function PreChatScreen(props: Props) {
  const { identity } = useHost();
  // Remount the form when identify() data arrives, so it prefills untouched fields.
  return (
    <PreChatForm
      key={`${identity.name ?? ""}\n${identity.email ?? ""}`}
      identity={identity}
      {...props}
    />
  );
}

function PreChatForm({
  organizationId,
  greeting,
  preChatFields,
  onStarted,
  identity,
}: Props & { identity: Identity }) {
  const { hostPage } = useHost();
  const [name, setName] = useState(identity.name ?? "");
  const [email, setEmail] = useState(identity.email ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const { sessionToken } = await startSession({
        organizationId,
        name: preChatFields.name === "off" ? undefined : name.trim() || undefined,
        email: preChatFields.email === "off" ? undefined : email.trim() || undefined,
        metadata: browserMetadata(hostPage),
      });
      onStarted(sessionToken);
    } catch (caught) {
      setError(describeError(caught).message);
      setPending(false);
    }
  };

  return (
    <form onSubmit={onSubmit} className="flex flex-1 flex-col gap-4 overflow-y-auto p-4" noValidate>
      <p className="max-w-[85%] self-start rounded-2xl rounded-bl-sm bg-muted px-3 py-2 text-sm">
        {greeting}
      </p>
      {(preChatFields.name !== "off" || preChatFields.email !== "off") && (
        <p className="text-sm text-muted-foreground">Tell us who you are so we can follow up.</p>
      )}
      {preChatFields.name !== "off" && (
        <Field label="Name" required={preChatFields.name === "required"}>
          <Input
            name="name"
            autoComplete="name"
            maxLength={120}
            value={name}
            required={preChatFields.name === "required"}
            onChange={(event) => setName(event.target.value)}
          />
        </Field>
      )}
      {preChatFields.email !== "off" && (
        <Field label="Email" required={preChatFields.email === "required"}>
          <Input
            name="email"
            type="email"
            autoComplete="email"
            maxLength={254}
            value={email}
            required={preChatFields.email === "required"}
            onChange={(event) => setEmail(event.target.value)}
          />
        </Field>
      )}
      {error && <ErrorNotice>{error}</ErrorNotice>}
      <Button type="submit" disabled={pending} className="mt-auto">
        {pending ? "Starting…" : "Start chatting"}
      </Button>
    </form>
  );
}

function Field({
  label,
  required,
  children,
}: {
  label: string;
  required: boolean;
  children: ReactNode;
}) {
  return (
    <label className="flex flex-col gap-1 text-sm font-medium">
      <span>
        {label}{" "}
        <span className="font-normal text-muted-foreground">
          {required ? "(required)" : "(optional)"}
        </span>
      </span>
      {children}
    </label>
  );
}
