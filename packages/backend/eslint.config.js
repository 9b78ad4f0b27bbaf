import { baseConfig } from "@parley/eslint-config/base";
import { convexConfig } from "@parley/eslint-config/convex";

export default [...baseConfig, ...convexConfig];
