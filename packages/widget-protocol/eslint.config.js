import { baseConfig, browserConfig } from "@parley/eslint-config/base";

export default [...baseConfig, ...browserConfig];
