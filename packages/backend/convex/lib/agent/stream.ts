/**
 * The reply's plumbing, light enough for mutations to import (no AI SDK):
 * how much of the conversation the agent reads, and the writer that cuts a
 * reply into numbered deltas as it is produced (stored as `messageDeltas`
 * rows). Deltas are batched so a fast model does not turn every token into
 * a database write, while the first words are written the moment they
 * arrive; a reply never has more than MAX_DELTAS_PER_REPLY of them, so the
 * queries that read them stay bounded.
 */

/** How much of the conversation the agent sees (a cost guard). */
export const MAX_CONTEXT_TURNS = 12;

const FLUSH_INTERVAL_MS = 40;
const FLUSH_CHARACTERS = 200;
/** The most delta rows one reply writes; past it the rest waits for the final flush. */
export const MAX_DELTAS_PER_REPLY = 400;

export class DeltaWriter {
  private buffer = "";
  private lastFlush = 0;
  private written = 0;
  private seq = 0;

  constructor(
    /** Store delta number `seq` (0, 1, 2, …) of the reply. */
    private readonly write: (seq: number, text: string) => Promise<void>,
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
    if (this.seq >= MAX_DELTAS_PER_REPLY - 1) return;
    // The first delta goes out at once, so the typing indicator turns into text quickly.
    if (
      this.written === 0 ||
      now - this.lastFlush >= FLUSH_INTERVAL_MS ||
      this.buffer.length >= FLUSH_CHARACTERS
    ) {
      await this.flush();
    }
  }

  /** Write what is buffered (always allowed: the reply's last delta). */
  async flush() {
    if (!this.buffer) return;
    const delta = this.buffer;
    this.buffer = "";
    this.written += delta.length;
    this.lastFlush = Date.now();
    await this.write(this.seq++, delta);
  }
}

/** Split text into word-sized pieces, keeping whitespace, for streaming a finished answer. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
