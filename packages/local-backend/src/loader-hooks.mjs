/**
 * Node module-resolution hooks for loader.ts (registered with
 * `module.register`). They run on Node's loader thread, which loads them
 * natively, so this one file is plain JavaScript.
 *
 * - A module imported as `…/x.ts?parley-gen=N` passes `parley-gen=N` on to
 *   every file it imports from outside node_modules, so each generation of
 *   the app is a fresh module graph (hot reload) while unchanged
 *   dependencies stay loaded once.
 * - JavaScript inside node_modules imported from the app's tsx namespace
 *   loads without it, so `convex/server` and friends are one instance for
 *   every generation (and the same instance convex-test uses). TypeScript
 *   there (components ship `src/component/*.ts`) keeps the namespace, which
 *   is what lets tsx compile it.
 */
const GENERATION = "parley-gen";
const TSX_NAMESPACE = "tsx-namespace";
const NAMESPACE_PREFIX = "parley-";

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (!result.url.startsWith("file:")) return result;
  const url = new URL(result.url);
  if (url.pathname.includes("/node_modules/")) {
    const namespace = url.searchParams.get(TSX_NAMESPACE);
    if (namespace?.startsWith(NAMESPACE_PREFIX) && /\.[cm]?js$/.test(url.pathname)) {
      url.searchParams.delete(TSX_NAMESPACE);
      return { ...result, url: url.href };
    }
    return result;
  }
  const generation = context.parentURL
    ? new URL(context.parentURL).searchParams.get(GENERATION)
    : null;
  if (generation === null || url.searchParams.has(GENERATION)) return result;
  url.searchParams.set(GENERATION, generation);
  return { ...result, url: url.href };
}
