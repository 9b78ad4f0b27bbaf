import { baseConfig, restrictEnvAccess } from "@parley/eslint-config/base";
import { nextConfig } from "@parley/eslint-config/next";
import { reactConfig } from "@parley/eslint-config/react";

export default [...baseConfig, ...reactConfig, ...nextConfig, ...restrictEnvAccess];
