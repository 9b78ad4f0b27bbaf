/**
 * Framing of the commit log: one record per line,
 *
 *   <CRC-32 of the payload, 8 hex digits> <payload: JSON, no newline>\n
 *
 * A process killed mid-append leaves at most its last record torn (cut
 * short, or never finished with its newline). Such a tail was never
 * acknowledged (a commit is acknowledged only once its record is fsync'd),
 * so it is dropped. A bad record *followed by* good ones is not a torn append
 * but damage, and reading refuses to guess past it.
 */
import { crc32 } from "node:zlib";

/** One record as it is appended. */
export function encodeRecord(payload: string): string {
  if (payload.includes("\n")) throw new Error("A log record must be a single line.");
  return `${crc32(payload).toString(16).padStart(8, "0")} ${payload}\n`;
}

/** The payload of one line, or null if the line is not an intact record. */
function decodeLine(line: string): string | null {
  if (line.length < 9 || line[8] !== " ") return null;
  const payload = line.slice(9);
  const expected = line.slice(0, 8);
  return crc32(payload).toString(16).padStart(8, "0") === expected ? payload : null;
}

export type DecodedSegment = {
  payloads: string[];
  /** Bytes up to the end of the last intact record; anything after is a torn tail. */
  intactBytes: number;
};

export class CorruptLogError extends Error {
  override name = "CorruptLogError";
}

/** Read a segment's records, tolerating a torn last record. */
export function decodeSegment(buffer: Buffer, name: string): DecodedSegment {
  const payloads: string[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset);
    if (end === -1) break; // An unfinished last record.
    const payload = decodeLine(buffer.toString("utf8", offset, end));
    if (payload === null) {
      if (hasIntactRecordAfter(buffer, end + 1)) {
        throw new CorruptLogError(
          `${name} is damaged at byte ${offset}: a record fails its checksum but later ones are intact.`,
        );
      }
      break;
    }
    payloads.push(payload);
    offset = end + 1;
  }
  return { payloads, intactBytes: offset };
}

function hasIntactRecordAfter(buffer: Buffer, start: number): boolean {
  let offset = start;
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset);
    if (end === -1) return false;
    if (decodeLine(buffer.toString("utf8", offset, end)) !== null) return true;
    offset = end + 1;
  }
  return false;
}
