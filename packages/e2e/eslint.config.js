import { baseConfig } from "@parley/eslint-config/base";

export default [...baseConfig];
