/**
 * `pnpm --filter @parley/local-backend start`: run the local backend until
 * interrupted, printing the URL to give Convex clients (NEXT_PUBLIC_CONVEX_URL).
 */
import { env } from "./env.js";
import { startLocalBackend } from "./server.js";

const backend = await startLocalBackend({
  port: env.port,
  host: env.host,
  adminKey: env.adminKey,
});
console.log(`Parley local backend (Convex-compatible, in memory) listening at ${backend.url}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}, shutting down (in-memory data is discarded).`);
  backend.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
