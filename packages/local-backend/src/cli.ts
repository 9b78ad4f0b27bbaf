/**
 * `pnpm --filter @parley/local-backend start`: run the local backend until
 * interrupted, printing the URL to give Convex clients (NEXT_PUBLIC_CONVEX_URL).
 * Data is kept in the data directory and functions reload when edited.
 */
import { env } from "./env.js";
import { startLocalBackend } from "./server.js";

const backend = await startLocalBackend({
  port: env.port,
  sitePort: env.sitePort,
  host: env.host,
  adminKey: env.adminKey,
  dataDir: env.dataDir,
  watch: env.watch,
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(
    `Received ${signal}, shutting down${env.dataDir ? " (saving data)" : " (in-memory data is discarded)"}.`,
  );
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

// Announced only once the handlers above are in place: whoever waits for this line may stop us at once.
const where = env.dataDir ? `data in ${env.dataDir}` : "in memory";
const reload = env.watch ? ", reloading functions on change" : "";
console.log(
  `Parley local backend (Convex-compatible, ${where}${reload}) listening at ${backend.url}`,
);
console.log(`HTTP actions (NEXT_PUBLIC_CONVEX_SITE_URL) at ${backend.siteUrl}`);
