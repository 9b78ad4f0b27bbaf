/**
 * The demo host page: a stand-in for a customer's website, with the embed
 * loader pasted in, served on its own origin like a real site would be.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export async function startDemoServer(options: {
  rootDir: string;
  port: number;
  widgetUrl: string;
  organizationId: () => string | undefined;
}) {
  const embedDir = path.join(options.rootDir, "apps", "embed");
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://localhost");
      try {
        if (url.pathname === "/parley.js") {
          const script = await readFile(path.join(embedDir, "dist", "parley.js"));
          response.writeHead(200, {
            "Content-Type": "text/javascript; charset=utf-8",
            "Cache-Control": "no-cache",
          });
          response.end(script);
        } else if (url.pathname === "/" || url.pathname === "/index.html") {
          const organizationId = options.organizationId();
          if (!organizationId) {
            response.writeHead(503, {
              "Content-Type": "text/plain; charset=utf-8",
              "Retry-After": "2",
            });
            response.end("The demo organization is still being set up. Reload in a moment.");
            return;
          }
          const template = await readFile(path.join(embedDir, "demo", "index.html"), "utf8");
          const page = template
            .replaceAll("__PARLEY_ORGANIZATION_ID__", organizationId)
            .replaceAll("__PARLEY_WIDGET_URL__", options.widgetUrl);
          response.writeHead(200, {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-cache",
          });
          response.end(page);
        } else {
          response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
          response.end("Not found");
        }
      } catch (error) {
        response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        response.end(`Demo page error: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
