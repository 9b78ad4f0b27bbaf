import type { NextConfig } from "next";

const config: NextConfig = {
  reactStrictMode: true,
  // Internal packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: ["@parley/ui", "@parley/backend", "@parley/widget-protocol"],
};

export default config;
