/**
 * `npm run dev` without a Convex deployment: the whole product locally.
 * Data lives in <repo>/.parley and survives restarts.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

import { DEMO_USERS } from "./demoContent";
import { startStack } from "./stack";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const started = Date.now();
const log = (line: string) => console.log(line);

const stack = await startStack({
  rootDir,
  dataDir: path.join(rootDir, ".parley"),
  ports: { backend: 3210, site: 3211, web: 3000, widget: 3001, demo: 3002 },
  log,
  watch: true,
});

console.log(`
  Parley is running locally (ready in ${Math.round((Date.now() - started) / 1000)} s, no accounts needed)

  Dashboard   ${stack.urls.web}       sign in as ${DEMO_USERS.admin.name} (admin) or ${DEMO_USERS.operator.name} (operator)
  Demo site   ${stack.urls.demo}       a customer's website with the chat widget embedded
  Widget      ${stack.urls.widget}/?organizationId=${stack.demo.organizationId}
  Backend     ${stack.urls.backend}  (Convex-compatible, data in .parley/)

  Press Ctrl-C to stop.
`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping Parley…");
    void stack.stop().then(() => process.exit(0));
  });
}
