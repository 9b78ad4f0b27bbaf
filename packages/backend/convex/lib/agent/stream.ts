/**
 * The reply's plumbing, light enough for mutations to import (no AI SDK):
 * how much of the conversation the agent reads, and the writer that puts a
 * reply into its message as it is produced. Deltas are batched so a fast
 * model does not turn every token into a database write, while the first
 * words are written the moment they arrive.
 */

/** How much of the conversation the agent sees (a cost guard). */
export const MAX_CONTEXT_TURNS = 12;

const FLUSH_INTERVAL_MS = 40;
const FLUSH_CHARACTERS = 200;

export class DeltaWriter {
  private buffer = "";
  private lastFlush = 0;
  private written = 0;

  constructor(
    private readonly write: (delta: string) => Promise<void>,
    private readonly maxCharacters: number,
  ) {}

  /** Whether the reply reached its length limit; further text is dropped. */
  get full() {
    return this.written + this.buffer.length >= this.maxCharacters;
  }

  async push(delta: string) {
    const room = this.maxCharacters - this.written - this.buffer.length;
    if (room <= 0) return;
    this.buffer += delta.slice(0, room);
    const now = Date.now();
    // The first delta goes out at once, so the typing indicator turns into text quickly.
    if (
      this.written === 0 ||
      now - this.lastFlush >= FLUSH_INTERVAL_MS ||
      this.buffer.length >= FLUSH_CHARACTERS
    ) {
      await this.flush();
    }
  }

  async flush() {
    if (!this.buffer) return;
    const delta = this.buffer;
    this.buffer = "";
    this.written += delta.length;
    this.lastFlush = Date.now();
    await this.write(delta);
  }
}

/** Split text into word-sized pieces, keeping whitespace, for streaming a finished answer. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
