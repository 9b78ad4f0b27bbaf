import { baseConfig } from "@parley/eslint-config/base";
import { reactConfig } from "@parley/eslint-config/react";

export default [...baseConfig, ...reactConfig];
