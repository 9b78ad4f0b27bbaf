#!/usr/bin/env node
/**
 * Prove the backend would push to a real Convex deployment, offline.
 *
 * convex-test and the local backend are more lenient than Convex, so this
 * runs the installed Convex CLI's own push pipeline (`convex deploy`) against
 * a loopback stand-in URL, stopping where the CLI would send the push request
 * (`--write-push-request`), and checks what real Convex would check:
 *
 *   1. both runtimes bundle with no error (the CLI's own esbuild step);
 *   2. every module of the default runtime loads with only the globals Convex
 *      provides (no Buffer, require, process beyond process.env, setImmediate…);
 *   3. auth.config evaluates under Convex's push-time rule (reading an unset
 *      variable throws) with the production variables, with the local ones and
 *      with none, and a deployment trusting both is refused;
 *   4. every component `convex.config.ts` installs is in the push;
 *   5. the code fits Convex's size limits.
 *
 * Prints what it checked; exits 1 on any problem.
 *
 *   node --experimental-vm-modules scripts/deploy-check.mjs [--dir <package dir>]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

import { installedComponents } from "./components.mjs";

const dirFlag = process.argv.indexOf("--dir");
const packageDir =
  dirFlag === -1
    ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
    : path.resolve(process.argv[dirFlag + 1]);

/** Convex's push limits (`PackageSize::verify_size` in the backend). */
const MAX_ZIPPED_BYTES = 45_000_000;
const MAX_UNZIPPED_BYTES = 230_000_000;

/** The auth-config scenarios: the deployment variables, and how many providers Parley trusts with them. */
const AUTH_SCENARIOS = [
  {
    name: "production (Clerk only)",
    variables: { CLERK_JWT_ISSUER_DOMAIN: "https://verb-noun-12.clerk.accounts.dev" },
    providers: 1,
  },
  {
    name: "local stack (local issuer only)",
    variables: {
      PARLEY_LOCAL_AUTH_ISSUER: "http://127.0.0.1:3000/api/local-auth",
      PARLEY_LOCAL_AUTH_JWKS_URL: "http://127.0.0.1:3000/api/local-auth/jwks",
    },
    providers: 1,
  },
  { name: "new deployment (no variables)", variables: {}, providers: 0 },
  {
    name: "Clerk and the local issuer at once",
    variables: {
      CLERK_JWT_ISSUER_DOMAIN: "https://verb-noun-12.clerk.accounts.dev",
      PARLEY_LOCAL_AUTH_ISSUER: "http://127.0.0.1:3000/api/local-auth",
      PARLEY_LOCAL_AUTH_JWKS_URL: "http://127.0.0.1:3000/api/local-auth/jwks",
    },
    refused: true,
  },
];

const problems = [];
const ok = (message) => console.log(`  \u2713 ${message}`);
const fail = (message) => {
  problems.push(message);
  console.log(`  \u2717 ${message}`);
};

// ---------------------------------------------------------------------------
// The push request, from the real CLI

/** A loopback stand-in for the deployment URL: it records requests and answers none. */
async function startStandIn() {
  const requests = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(503, { "content-type": "application/json" });
    response.end(JSON.stringify({ code: "StandIn", message: "deploy-check stand-in" }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, server };
}

function writePushRequest(url, outputBase) {
  const require = createRequire(path.join(packageDir, "package.json"));
  const cli = path.join(path.dirname(require.resolve("convex/package.json")), "bin", "main.js");
  const env = { ...process.env };
  // Only the stand-in: never a deployment this machine may be linked to.
  for (const name of [
    "CONVEX_DEPLOYMENT",
    "CONVEX_DEPLOY_KEY",
    "CONVEX_SELF_HOSTED_URL",
    "CONVEX_SELF_HOSTED_ADMIN_KEY",
  ]) {
    delete env[name];
  }
  const args = [
    cli,
    "deploy",
    "--url",
    url,
    "--admin-key",
    "deploy-check-stand-in",
    "--write-push-request",
    outputBase,
    "--push-all-modules",
    "--typecheck",
    "disable",
    "--codegen",
    "disable",
  ];
  const result = spawnSync(process.execPath, args, {
    cwd: packageDir,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

// ---------------------------------------------------------------------------
// Loading modules as the default runtime would

/** `process.env` as functions see it: unset is undefined. At push time auth.config sees the strict one. */
function functionEnv() {
  return new Proxy({}, { get: () => undefined, ownKeys: () => [] });
}

function pushTimeEnv(variables) {
  return new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== "string") return undefined;
        if (!(name in variables)) {
          throw new Error(
            `Environment variable ${name} is used in auth config file but its value was not set`,
          );
        }
        return variables[name];
      },
      ownKeys: () => [],
    },
  );
}

/**
 * A context with the globals Convex's default runtime documents (plus the
 * JavaScript built-ins every context has) and nothing of Node's.
 */
function convexContext(env) {
  const syscall = (name) => {
    throw new Error(
      `Convex.${name} was called while the module loaded (only allowed in a function)`,
    );
  };
  return vm.createContext({
    console,
    process: { env },
    Convex: { syscall: () => syscall("syscall"), asyncSyscall: () => syscall("asyncSyscall") },
    ...Object.fromEntries(
      [
        "Blob",
        "Event",
        "EventTarget",
        "File",
        "FormData",
        "Headers",
        "Request",
        "Response",
        "TextDecoder",
        "TextEncoder",
        "atob",
        "btoa",
        "ReadableStream",
        "ReadableStreamBYOBReader",
        "ReadableStreamDefaultReader",
        "TransformStream",
        "WritableStream",
        "WritableStreamDefaultWriter",
        "crypto",
        "CryptoKey",
        "SubtleCrypto",
        "URL",
        "URLSearchParams",
        "AbortController",
        "AbortSignal",
        "DOMException",
        "structuredClone",
        "queueMicrotask",
        "setTimeout",
        "clearTimeout",
        "setInterval",
        "clearInterval",
      ].map((name) => [name, globalThis[name]]),
    ),
  });
}

/** Load `entry` and what it imports from `sources` (path → code) in `context`; its namespace. */
async function loadModule(sources, entry, context) {
  const cache = new Map();
  const instantiate = (modulePath) => {
    let module = cache.get(modulePath);
    if (!module) {
      const source = sources.get(modulePath);
      if (source === undefined) throw new Error(`${modulePath} is not in the push`);
      module = new vm.SourceTextModule(source, { identifier: modulePath, context });
      cache.set(modulePath, module);
    }
    return module;
  };
  const module = instantiate(entry);
  await module.link((specifier, referencing) => {
    if (!specifier.startsWith(".")) {
      throw new Error(
        `${referencing.identifier} imports "${specifier}", which is not bundled (only "use node" files may use external packages)`,
      );
    }
    return instantiate(path.posix.join(path.posix.dirname(referencing.identifier), specifier));
  });
  await module.evaluate();
  return module.namespace;
}

const FUNCTION_KINDS = ["isQuery", "isMutation", "isAction", "isHttp"];

async function checkModules(request) {
  const app = request.appDefinition;
  const isolate = app.changedModules.filter((module) => module.environment === "isolate");
  const node = app.changedModules.filter((module) => module.environment === "node");
  const sources = new Map(isolate.map((module) => [module.path, module.source]));
  const schema = app.schema ? [app.schema] : [];
  for (const module of schema) sources.set(module.path, module.source);
  const entries = isolate.filter((module) => !module.path.startsWith("_deps/"));
  ok(
    `bundled: ${entries.length} modules for the default runtime, ${node.length} for Node.js ("use node")`,
  );

  let functions = 0;
  const failures = [];
  for (const module of [...entries, ...schema]) {
    if (module.path === "auth.config.js") continue;
    try {
      const namespace = await loadModule(sources, module.path, convexContext(functionEnv()));
      for (const value of Object.values(namespace)) {
        if (FUNCTION_KINDS.some((kind) => value?.[kind] === true)) functions += 1;
      }
    } catch (error) {
      failures.push(`${module.path}: ${error?.message ?? error}`);
    }
  }
  if (failures.length === 0) {
    ok(
      `every module loads with only Convex's globals (${entries.length + schema.length} modules, ${functions} functions)`,
    );
  } else {
    for (const failure of failures) fail(`module does not load on Convex: ${failure}`);
  }

  if (!sources.has("auth.config.js")) {
    ok("auth.config: none (no identity providers)");
    return;
  }
  for (const scenario of AUTH_SCENARIOS) {
    try {
      const namespace = await loadModule(
        sources,
        "auth.config.js",
        convexContext(pushTimeEnv(scenario.variables)),
      );
      const providers = namespace.default?.providers ?? [];
      if (scenario.refused) {
        fail(`auth.config: ${scenario.name} was accepted; it must be refused`);
      } else if (providers.length !== scenario.providers) {
        fail(
          `auth.config: ${scenario.name} gives ${providers.length} providers, expected ${scenario.providers}`,
        );
      } else {
        const described = providers.map((p) => p.domain ?? p.issuer).join(", ") || "none";
        ok(`auth.config pushes for ${scenario.name}: trusts ${described}`);
      }
    } catch (error) {
      const message = String(error?.message ?? error).split("\n")[0];
      if (scenario.refused) ok(`auth.config refuses ${scenario.name}: "${message.slice(0, 90)}…"`);
      else fail(`auth.config cannot be pushed for ${scenario.name}: ${message}`);
    }
  }
}

function checkComponents(request) {
  const installed = installedComponents(packageDir);
  const pushed = request.componentDefinitions.map((definition) => definition.definitionPath);
  const dependencies = request.appDefinition.dependencies ?? [];
  const missing = installed.filter(
    ([, pkg]) => !dependencies.some((dependency) => dependency.includes(`/${pkg}/`)),
  );
  if (missing.length > 0) {
    fail(`components missing from the push: ${missing.map(([name]) => name).join(", ")}`);
  } else {
    ok(
      `components: ${installed.map(([name]) => name).join(", ") || "none"} installed; ${pushed.length} component definitions pushed`,
    );
  }
}

function checkSize(request) {
  const app = request.appDefinition;
  const modules = [
    ...app.changedModules,
    app.schema,
    app.definition,
    ...request.componentDefinitions.flatMap((component) => [
      ...component.functions,
      component.definition,
      component.schema,
    ]),
  ].filter(Boolean);
  const text = modules.map((module) => `${module.source}${module.sourceMap ?? ""}`).join("");
  const unzipped = Buffer.byteLength(text);
  const zipped = gzipSync(text).length;
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  const figures = `${mb(unzipped)} unzipped (limit ${mb(MAX_UNZIPPED_BYTES)}), ${mb(zipped)} zipped (limit ${mb(MAX_ZIPPED_BYTES)})`;
  if (zipped >= MAX_ZIPPED_BYTES || unzipped >= MAX_UNZIPPED_BYTES) fail(`code size: ${figures}`);
  else ok(`code size: ${figures}`);
}

// ---------------------------------------------------------------------------

console.log(
  `deploy-check: ${path.relative(process.cwd(), packageDir) || "."} as Convex would push it`,
);
const standIn = await startStandIn();
const workDir = mkdtempSync(path.join(tmpdir(), "parley-deploy-check-"));
try {
  const pushed = writePushRequest(standIn.url, path.join(workDir, "push"));
  if (pushed.status !== 0) {
    fail(
      `the Convex CLI could not bundle the functions (exit ${pushed.status}):\n${pushed.output}`,
    );
  } else {
    const request = JSON.parse(readFileSync(path.join(workDir, "push.json"), "utf8"));
    await checkModules(request);
    checkComponents(request);
    checkSize(request);
  }
  if (standIn.requests.length > 0) {
    console.log(`  (the CLI asked the stand-in: ${standIn.requests.join(", ")})`);
  }
} finally {
  standIn.server.close();
  rmSync(workDir, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(
    `deploy-check: ${problems.length} problem(s); a real push would fail or misbehave.`,
  );
  process.exit(1);
}
console.log("deploy-check: a real Convex push would accept this code.");
