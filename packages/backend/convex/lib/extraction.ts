"use node";
/**
 * Reading a document's text, by its structure, with well-kept libraries:
 * PDF with unpdf (PDF.js built for servers), HTML with node-html-markdown,
 * CSV with papaparse, DOCX with mammoth. Every format is turned into
 * passages with their section paths (`lib/knowledge.ts`): HTML and DOCX
 * through Markdown, whose headings are the sections; PDF by guessing
 * headings from font sizes (best effort: PDFs have no headings, only text
 * drawn larger); CSV one passage per row.
 *
 * A document that cannot be read fails with `ExtractionError`, whose message
 * is for the person who uploaded it ("This PDF has no text layer …").
 *
 * Node.js runtime (`"use node"`): the libraries are bundled for actions only.
 */
import mammoth from "mammoth";
import { NodeHtmlMarkdown } from "node-html-markdown";
import Papa from "papaparse";
import { extractTextItems, getDocumentProxy } from "unpdf";

import type { DocumentFormat } from "./documents";
import { chunkDocument, chunkRows, chunkText, type Passage } from "./knowledge";

/** A reason a document cannot be read, worded for the person who added it. */
export class ExtractionError extends Error {}

/** A document's text, before it is cut into passages (`chunkExtracted`). */
export type ExtractedDocument = {
  /** The document's own title (HTML `<title>`, first Markdown heading), if it has one. */
  title?: string;
  content:
    | { kind: "markdown"; text: string }
    | { kind: "text"; text: string }
    | { kind: "rows"; header: string[]; rows: string[][] };
  /** Characters of text read. */
  characters: number;
};

/** Cut an extracted document into passages by its structure. */
export function chunkExtracted({ content }: ExtractedDocument): Passage[] {
  switch (content.kind) {
    case "markdown":
      return chunkDocument(content.text);
    case "text":
      return chunkText(content.text).map((text) => ({ text }));
    case "rows":
      return chunkRows(content.header, content.rows);
  }
}

const html = new NodeHtmlMarkdown({
  // Navigation, page chrome and scripts are not what a help article says.
  ignore: ["nav", "header", "footer", "aside", "script", "style", "noscript", "form", "svg"],
  useLinkReferenceDefinitions: false,
});

function decode(bytes: Uint8Array): string {
  // Not `fatal`: a stray byte in a text file should not cost the whole file.
  return new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
}

function firstHeading(markdown: string): string | undefined {
  return markdown.match(/^#\s+(.+?)\s*#*\s*$/m)?.[1]?.trim();
}

function fromMarkdown(markdown: string, title?: string): ExtractedDocument {
  return {
    title: title ?? firstHeading(markdown),
    content: { kind: "markdown", text: markdown },
    characters: markdown.length,
  };
}

/** An HTML page's `<title>`, with its entities decoded by the same converter. */
function htmlTitle(source: string): string | undefined {
  const raw = source.match(/<title[^>]*>([\s\S]*?)<\/title>/i)?.[1];
  const title = raw ? html.translate(raw).replace(/\s+/g, " ").trim() : "";
  return title || undefined;
}

export function fromHtml(source: string): ExtractedDocument {
  const body = source.match(/<main[\s>][\s\S]*<\/main>/i)?.[0] ?? source;
  const markdown = html.translate(body.replace(/<title[^>]*>[\s\S]*?<\/title>/gi, ""));
  return fromMarkdown(markdown, htmlTitle(source));
}

function fromCsv(source: string): ExtractedDocument {
  const parsed = Papa.parse<string[]>(source.trim(), { skipEmptyLines: "greedy" });
  const [header, ...rows] = parsed.data;
  if (!header || rows.length === 0) {
    throw new ExtractionError("This CSV file has no rows under its header line.");
  }
  if (parsed.errors.length > 0 && parsed.data.length === 0) {
    throw new ExtractionError(`This CSV file could not be read: ${parsed.errors[0]!.message}.`);
  }
  return { content: { kind: "rows", header, rows }, characters: source.length };
}

type Line = { text: string; size: number };

/**
 * A PDF's text as Markdown: lines set noticeably larger than the body text
 * become headings (the largest size `#`, the next `##`, …). The body size is
 * the one most characters are set in.
 */
async function fromPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  let pages: Awaited<ReturnType<typeof extractTextItems>>["items"];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    pages = (await extractTextItems(pdf)).items;
  } catch (error) {
    const reason =
      error instanceof Error && /password/i.test(error.message)
        ? "it is encrypted"
        : "it is damaged or not a PDF";
    throw new ExtractionError(`This PDF could not be read: ${reason}.`);
  }
  const lines: Line[] = [];
  for (const items of pages) {
    let current: Line = { text: "", size: 0 };
    const end = () => {
      if (current.text.trim()) lines.push({ text: current.text.trim(), size: current.size });
      current = { text: "", size: 0 };
    };
    for (const item of items) {
      current.text += item.str;
      if (item.str.trim())
        current.size = Math.max(current.size, Math.round(item.fontSize * 10) / 10);
      if (item.hasEOL) end();
    }
    end();
    // A page break ends a paragraph.
    lines.push({ text: "", size: 0 });
  }
  const characters = lines.reduce((sum, line) => sum + line.text.length, 0);
  if (characters === 0) {
    throw new ExtractionError(
      "This PDF has no text layer: it is probably a scan or an image. Export it with its text (or run it through OCR) and upload it again.",
    );
  }
  const weight = new Map<number, number>();
  for (const line of lines) weight.set(line.size, (weight.get(line.size) ?? 0) + line.text.length);
  const body = [...weight.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const isHeading = (line: Line) =>
    line.size >= body * 1.15 && line.text.length <= 120 && !/[.:;,]$/.test(line.text);
  const headingSizes = [...new Set(lines.filter(isHeading).map((line) => line.size))]
    .sort((a, b) => b - a)
    .slice(0, 6);
  const markdown = lines
    .map((line) => {
      if (!line.text) return "";
      const level = isHeading(line) ? headingSizes.indexOf(line.size) + 1 : 0;
      return level > 0 ? `\n${"#".repeat(level)} ${line.text}\n` : line.text;
    })
    .join("\n");
  return fromMarkdown(markdown);
}

async function fromDocx(bytes: Uint8Array): Promise<ExtractedDocument> {
  let converted: string;
  try {
    converted = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })).value;
  } catch {
    throw new ExtractionError(
      "This Word file could not be read: it is damaged or not a DOCX file.",
    );
  }
  return fromHtml(converted);
}

/** Read a document of `format`; throws `ExtractionError` when it cannot be read. */
export async function extractDocument(
  format: DocumentFormat,
  bytes: Uint8Array,
): Promise<ExtractedDocument> {
  switch (format) {
    case "pdf":
      return await fromPdf(bytes);
    case "docx":
      return await fromDocx(bytes);
    case "markdown":
      return fromMarkdown(decode(bytes));
    case "html":
      return fromHtml(decode(bytes));
    case "csv":
      return fromCsv(decode(bytes));
    case "text": {
      const text = decode(bytes);
      return { content: { kind: "text", text }, characters: text.length };
    }
  }
}
