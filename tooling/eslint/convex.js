/**
 * Rules for the Convex backend: Convex's recommended rules, plus the layer
 * rules that make the wrong builder fail lint, not merely review:
 *
 * - `public/` (widget visitors) may only use the visitor/widget builders;
 * - `private/` (dashboard members) may only use the member/org builders;
 * - `system/` may only register internal functions;
 * - only `lib/env.ts` reads `process.env`.
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
    files: ["**/convex/public/**/*.ts"],
    ignores: ["**/*.test.ts"],
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
    ignores: ["**/*.test.ts"],
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
    ignores: ["**/*.test.ts"],
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
