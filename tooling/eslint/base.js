/**
 * Base flat config shared by every workspace: ESLint's recommended rules for
 * all files, plus typescript-eslint's type-checked rules for TypeScript files.
 *
 * Type information comes from the project service, which finds the nearest
 * tsconfig.json for each file, so every linted `.ts`/`.tsx` file must be
 * included by its package's tsconfig. Plain JavaScript files (config files,
 * build scripts) are linted without type information and run in Node.
 */
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const tsFiles = ["**/*.{ts,tsx,mts,cts}"];
const jsFiles = ["**/*.{js,mjs,cjs}"];

export const baseConfig = defineConfig(
  globalIgnores([
    "**/node_modules/",
    "**/.next/",
    "**/.next-e2e/",
    "**/.turbo/",
    "**/dist/",
    "**/out/",
    "**/coverage/",
    "**/_generated/",
    "**/next-env.d.ts",
  ]),
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  {
    files: tsFiles,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { prefer: "type-imports", fixStyle: "separate-type-imports" },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
        },
      ],
      // Allow `onClick={async () => …}`; promises returned elsewhere must still be handled.
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { attributes: false } },
      ],
    },
  },
  {
    files: jsFiles,
    languageOptions: { globals: globals.node },
    rules: {
      "no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },
);

/**
 * For apps with a validated `src/env.ts`: every other file must import `env`
 * from there, so a missing or malformed variable fails in one place with a
 * clear message instead of surfacing as `undefined` deep inside a component.
 */
export const restrictEnvAccess = defineConfig({
  files: tsFiles,
  ignores: ["**/env.ts"],
  rules: {
    "no-restricted-properties": [
      "error",
      {
        object: "process",
        property: "env",
        message: 'Read environment variables through `import { env } from "~/env"`.',
      },
    ],
  },
});

/** Browser globals for TypeScript that runs in a page without React (the embed loader). */
export const browserConfig = defineConfig({
  files: tsFiles,
  languageOptions: { globals: globals.browser },
});

export default baseConfig;
