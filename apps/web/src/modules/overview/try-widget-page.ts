/**
 * The "test the widget" page: a bare host page with the organization's embed
 * snippet, served by the dashboard (/try-widget), so an admin can open the
 * real widget as a visitor would before installing it anywhere. Sessions
 * started here count as "tested", not "installed" (`private/onboarding.get`).
 */
import { embedSnippet } from "~/modules/widget-settings/embed-snippet";

/** Public organization ids (Clerk `org_…`, local `org_…`). */
const ORGANIZATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isOrganizationId(value: string | null): value is string {
  return value !== null && ORGANIZATION_ID.test(value);
}

export function tryWidgetPage(loaderUrl: string | undefined, organizationId: string): string {
  const body = loaderUrl
    ? `<p>This page has your embed snippet on it. Open the chat with the button in the corner and talk to your assistant as a visitor would.</p>
    <p class="hint">If you limited the widget to your own domains, it stays hidden here: test it on your site instead.</p>
    ${embedSnippet(loaderUrl, organizationId)}`
    : `<p>The dashboard does not know where the embed script is served (NEXT_PUBLIC_PARLEY_EMBED_URL), so it cannot show the widget here.</p>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Try your Parley widget</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; color: #18181b; }
      .hint { color: #71717a; font-size: 0.875rem; }
    </style>
  </head>
  <body>
    <h1>Try your Parley widget</h1>
    ${body}
  </body>
</html>
`;
}
