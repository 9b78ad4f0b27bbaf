/**
 * React rules for any workspace that renders components: the rules of hooks
 * and the React Compiler checks that ship with eslint-plugin-react-hooks.
 */
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig } from "eslint/config";
import globals from "globals";

export const reactConfig = defineConfig({
  files: ["**/*.{ts,tsx}"],
  extends: [reactHooks.configs.flat.recommended],
  languageOptions: {
    globals: globals.browser,
  },
});

export default reactConfig;
