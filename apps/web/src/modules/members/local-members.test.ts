import { describe, expect, test } from "vitest";

import { reconcile, type BackendMember, type DirectoryListing } from "./local-members";

const user = (id: string) => ({ id, name: `Name ${id}`, email: `${id}@example.com` });
const row = (id: string, role: "admin" | "operator", isYou = false) =>
  ({
    membershipId: `m_${id}`,
    userId: `u_${id}`,
    externalId: id,
    role,
    isYou,
  }) as unknown as BackendMember;

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    mirror: {
      add: (args: { externalId: string; role: string }) => {
        calls.push(`add ${args.externalId} ${args.role}`);
        return Promise.resolve();
      },
      remove: (args: { membershipId: string }) => {
        calls.push(`remove ${args.membershipId}`);
        return Promise.resolve();
      },
    },
  };
}

describe("reconcile", () => {
  test("nothing to do when the two agree", async () => {
    const { calls, mirror } = recorder();
    const directory: DirectoryListing = {
      members: [{ user: user("a"), role: "admin" }],
      candidates: [],
    };
    expect(await reconcile(directory, [row("a", "admin", true)], mirror)).toBe(0);
    expect(calls).toEqual([]);
  });

  test("adds missing members, fixes roles (promotions first) and drops removed ones, never the caller", async () => {
    const { calls, mirror } = recorder();
    const directory: DirectoryListing = {
      members: [
        { user: user("a"), role: "operator" },
        { user: user("b"), role: "admin" },
        { user: user("c"), role: "operator" },
      ],
      candidates: [],
    };
    const backend = [
      row("a", "admin"),
      row("b", "operator"),
      row("gone", "operator"),
      row("me", "admin", true),
    ];
    expect(await reconcile(directory, backend, mirror)).toBe(4);
    expect(calls).toEqual(["add b admin", "add a operator", "add c operator", "remove m_gone"]);
  });
});
