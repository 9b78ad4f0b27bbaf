/**
 * One local stack for the whole browser-test run (it takes a while to start):
 * free ports, a throwaway data directory, stopped at the end. Test files get
 * its URLs through `inject("stack")`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { freePort, startStack } from "@parley/dev";
import { startVapiServer } from "../../backend/test/vapiServer";
import type { TestProject } from "vitest/node";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export type StackInfo = {
  urls: { backend: string; site: string; web: string; widget: string; demo: string };
  organizationId: string;
  /**
   * The loopback Vapi REST server the stack's backend talks to (`VAPI_API_URL`);
   * `POST {url}/__test/behaviour` switches its failure modes.
   */
  vapi: { url: string; publicKey: string; privateKey: string; phoneNumbers: string[] };
};

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "parley-e2e-"));
  const output: string[] = [];
  const vapi = await startVapiServer({
    phoneNumbers: ["+14155550100", "+14155550142"],
    assistants: [{ name: "Existing sales assistant" }],
  });
  try {
    const stack = await startStack({
      backendEnv: { VAPI_API_URL: vapi.url },
      rootDir,
      dataDir,
      ports: {
        backend: await freePort(),
        site: await freePort(),
        web: await freePort(),
        widget: await freePort(),
        demo: await freePort(),
      },
      // Visitors get the widget's production build (webpack, lazy chunks): test that one.
      productionWidget: true,
      // Kept for failure reports; a passing run stays quiet.
      log: (line) => output.push(line),
    });
    project.provide("stack", {
      urls: stack.urls,
      organizationId: stack.demo.organizationId,
      vapi: {
        url: vapi.url,
        publicKey: vapi.publicKey,
        privateKey: vapi.privateKey,
        phoneNumbers: vapi.phoneNumbers.map((number) => number.number),
      },
    });
    return async () => {
      await stack.stop();
      await vapi.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  } catch (error) {
    console.error(output.slice(-80).join("\n"));
    await vapi.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
