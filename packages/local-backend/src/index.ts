/** The local backend's programmatic API, for tests and tools that embed it. */
export { startLocalBackend, defaultConvexDir } from "./server.js";
export type { LocalBackend, LocalBackendOptions } from "./server.js";
export type { Caller, FunctionKind } from "./engine.js";
