/**
 * The tag customers paste on their site (see apps/embed/README.md): the
 * loader script with the organization's public id. The loader's own default
 * widget URL is baked in when it is built, so the snippet needs nothing else.
 */

/** Shown in place of the loader URL when the dashboard has not been told where it is served. */
export const LOADER_URL_PLACEHOLDER = "https://YOUR-PARLEY-HOST/parley.js";

function attribute(value: string) {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

export function embedSnippet(loaderUrl: string | undefined, organizationId: string): string {
  const src = attribute(loaderUrl ?? LOADER_URL_PLACEHOLDER);
  return `<script src="${src}" data-organization-id="${attribute(organizationId)}" async></script>`;
}
