/**
 * Next.js rules: the plugin's recommended set plus the Core Web Vitals rules
 * (which raise a few of the recommended warnings to errors).
 */
import nextPlugin from "@next/eslint-plugin-next";
import { defineConfig } from "eslint/config";

export const nextConfig = defineConfig({
  files: ["**/*.{ts,tsx}"],
  extends: [nextPlugin.configs.recommended, nextPlugin.configs["core-web-vitals"]],
});

export default nextConfig;
