/**
 * Rules for the Convex backend: Convex's recommended rules, plus the layer
 * rules that make the wrong builder fail lint, not merely review:
 *
 * - `public/` (widget visitors) may only use the visitor/widget builders;
 * - `private/` (dashboard members) may only use the member/org builders;
 * - `system/` may only register internal functions;
 * - nowhere else (top-level files such as `http.ts` and `crons.ts`, `lib/`,
 *   tests) imports the raw client-callable builders: only `lib/functions.ts`;
 * - a `public/` or `private/` definition without `returns` fails (the
 *   builders also refuse it at runtime), and each use of `ctx.unscopedDb`
 *   (reads past the row-level rules) needs a disable comment saying why;
 * - only `lib/env.ts` reads `process.env`.
 *
 * Every file in `convex/` is linted, tests included (only `_generated/` is
 * ignored, by the base config).
 */
import convexPlugin from "@convex-dev/eslint-plugin";
import { defineConfig } from "eslint/config";

const RAW_BUILDERS = [
  "query",
  "mutation",
  "action",
  "internalQuery",
  "internalMutation",
  "internalAction",
  "httpAction",
];
const GENERIC_BUILDERS = [
  "queryGeneric",
  "mutationGeneric",
  "actionGeneric",
  "internalQueryGeneric",
  "internalMutationGeneric",
  "internalActionGeneric",
];

/** no-restricted-imports patterns forbidding the given builders. */
function forbid({ server, functions, message }) {
  return [
    { group: ["**/_generated/server", "**/_generated/server.js"], importNames: server, message },
    { group: ["convex/server"], importNames: GENERIC_BUILDERS, message },
    ...(functions.length > 0
      ? [{ group: ["**/lib/functions", "**/lib/functions.js"], importNames: functions, message }]
      : []),
  ];
}

export const convexConfig = defineConfig(
  ...convexPlugin.configs.recommended,
  {
    files: ["**/convex/**/*.ts"],
    rules: { "@convex-dev/no-filter-in-query": "error" },
  },
  {
    files: ["**/convex/lib/env.ts"],
    rules: { "@convex-dev/no-process-env": "off" },
  },
  {
    // Client-callable functions are made only by the builders in lib/functions.ts.
    files: ["**/convex/**/*.ts"],
    ignores: ["**/convex/lib/functions.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbid({
            server: ["query", "mutation", "action"],
            functions: [],
            message:
              "Client-callable functions live in public/ or private/ and use the builders from lib/functions.",
          }),
        },
      ],
    },
  },
  {
    files: ["**/convex/public/**/*.ts", "**/convex/private/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.name=/^(org|member|visitor|widget)(Query|Mutation|Action)$/] > ObjectExpression:not(:has(> Property[key.name='returns']))",
          message:
            "public/ and private/ functions declare `returns` (what they may hand a client).",
        },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "ctx",
          property: "unscopedDb",
          message:
            "ctx.unscopedDb reads past the organization's row-level rules (lib/tenancy.ts): disable this line with a comment saying why it must.",
        },
      ],
    },
  },
  {
    files: ["**/convex/public/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbid({
            server: RAW_BUILDERS,
            functions: ["orgQuery", "orgMutation", "memberMutation"],
            message:
              "public/ functions must use the visitor or widget builders from lib/functions.",
          }),
        },
      ],
    },
  },
  {
    files: ["**/convex/private/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbid({
            server: RAW_BUILDERS,
            functions: ["visitorQuery", "visitorMutation", "widgetQuery", "widgetMutation"],
            message: "private/ functions must use the org/member builders from lib/functions.",
          }),
        },
      ],
    },
  },
  {
    files: ["**/convex/system/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: forbid({
            server: ["query", "mutation", "action", "httpAction"],
            functions: [
              "orgQuery",
              "orgMutation",
              "memberMutation",
              "visitorQuery",
              "visitorMutation",
              "widgetQuery",
              "widgetMutation",
            ],
            message:
              "system/ functions are internal: use internalQuery / internalMutation / internalAction.",
          }),
        },
      ],
    },
  },
);

export default convexConfig;
