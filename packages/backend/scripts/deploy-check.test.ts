// @vitest-environment node
/**
 * deploy-check must fail when real Convex would refuse the code: each case is
 * a small app in a temporary directory with Parley's own auth config and one
 * thing real Convex refuses.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, test } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const TASKS = `import { queryGeneric } from "convex/server";
import { v } from "convex/values";

export const list = queryGeneric({ args: {}, returns: v.array(v.string()), handler: async () => [] });
`;

/** An app with Parley's auth.config.ts and lib/env.ts, plus `files` (path → source) over it. */
function app(files: Record<string, string> = {}) {
  const root = mkdtempSync(path.join(tmpdir(), "parley-deploy-check-app-"));
  temporary.push(root);
  writeFileSync(
    path.join(root, "package.json"),
    JSON.stringify({ type: "module", dependencies: { convex: "*" } }),
  );
  symlinkSync(path.join(packageDir, "node_modules"), path.join(root, "node_modules"), "dir");
  mkdirSync(path.join(root, "convex", "lib"), { recursive: true });
  for (const file of ["auth.config.ts", "lib/env.ts"]) {
    cpSync(path.join(packageDir, "convex", file), path.join(root, "convex", file));
  }
  for (const [file, source] of Object.entries({ "tasks.ts": TASKS, ...files })) {
    writeFileSync(path.join(root, "convex", file), source);
  }
  return root;
}

function deployCheck(dir: string) {
  const result = spawnSync(
    process.execPath,
    ["--experimental-vm-modules", "--no-warnings", "scripts/deploy-check.mjs", "--dir", dir],
    { cwd: packageDir, encoding: "utf8", timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("deploy-check", { timeout: 60_000 }, () => {
  test("passes an app real Convex would accept, saying what it checked", () => {
    const { status, output } = deployCheck(app());
    expect(output).toContain("every module loads with only Convex's globals");
    expect(output).toContain("auth.config pushes for production (Clerk only)");
    expect(output).toContain("auth.config refuses Clerk and the local issuer at once");
    expect(status).toBe(0);
  });

  test("fails an auth.config that reads a variable the deployment has not set", () => {
    const { status, output } = deployCheck(
      app({
        "auth.config.ts": `export default { providers: [
          { domain: process.env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" },
          { type: "customJwt", issuer: process.env.PARLEY_LOCAL_AUTH_ISSUER, jwks: "x", algorithm: "RS256", applicationID: "convex" },
        ] };\n`,
      }),
    );
    expect(output).toContain(
      "Environment variable PARLEY_LOCAL_AUTH_ISSUER is used in auth config file but its value was not set",
    );
    expect(status).toBe(1);
  });

  test("fails a module that needs a Node global the default runtime lacks", () => {
    const { status, output } = deployCheck(
      app({ "encoding.ts": `export const token = Buffer.from("parley").toString("base64");\n` }),
    );
    expect(output).toMatch(/module does not load on Convex: encoding\.js: .*Buffer/);
    expect(status).toBe(1);
  });

  test("fails code the bundler cannot build for the default runtime", () => {
    const { status, output } = deployCheck(
      app({
        "files.ts": `import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n`,
      }),
    );
    expect(output).toContain("the Convex CLI could not bundle the functions");
    expect(output).toContain("node:fs");
    expect(status).toBe(1);
  });
});
