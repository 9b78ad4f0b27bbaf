/** Up to two letters standing for a person in an avatar: "Ada Lovelace" → "AL", "ada@x.test" → "A". */
export function initials(name: string | undefined, email: string | undefined): string {
  const words = (name ?? "").trim().split(/\s+/).filter(Boolean);
  if (words.length > 0) {
    const first = words[0]!;
    const last = words.length > 1 ? words[words.length - 1]! : "";
    return (Array.from(first)[0]! + (Array.from(last)[0] ?? "")).toUpperCase();
  }
  const letter = Array.from((email ?? "").trim())[0];
  return letter ? letter.toUpperCase() : "?";
}
