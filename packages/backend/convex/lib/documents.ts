/**
 * The kinds of document the knowledge base reads, and how a file is
 * recognised: by its name's extension first (browsers guess content types
 * unevenly, e.g. Markdown as `application/octet-stream`), then by its type.
 * No I/O and no libraries: queries, mutations and HTTP actions import it.
 * Reading a document's text is `lib/extraction.ts` (actions only).
 */

export const DOCUMENT_FORMATS = ["pdf", "markdown", "text", "html", "csv", "docx"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

export const FORMAT_INFO: Record<
  DocumentFormat,
  { label: string; extensions: string[]; contentTypes: string[] }
> = {
  pdf: { label: "PDF", extensions: ["pdf"], contentTypes: ["application/pdf"] },
  markdown: {
    label: "Markdown",
    extensions: ["md", "markdown"],
    contentTypes: ["text/markdown", "text/x-markdown"],
  },
  text: { label: "plain text", extensions: ["txt"], contentTypes: ["text/plain"] },
  html: { label: "HTML", extensions: ["html", "htm"], contentTypes: ["text/html"] },
  csv: { label: "CSV", extensions: ["csv"], contentTypes: ["text/csv"] },
  docx: {
    label: "Word (DOCX)",
    extensions: ["docx"],
    contentTypes: ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  },
};

/** The format of a file from its name and content type; null when it is none Parley reads. */
export function formatOf(
  fileName: string | undefined,
  contentType: string | undefined,
): DocumentFormat | null {
  const extension = fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (extension) {
    const byName = DOCUMENT_FORMATS.find((format) =>
      FORMAT_INFO[format].extensions.includes(extension),
    );
    if (byName) return byName;
  }
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!type) return null;
  return DOCUMENT_FORMATS.find((format) => FORMAT_INFO[format].contentTypes.includes(type)) ?? null;
}

/** "PDF, Markdown or CSV": the formats a plan accepts, for an error message. */
export function describeFormats(formats: readonly DocumentFormat[]): string {
  const labels = formats.map((format) => FORMAT_INFO[format].label);
  return labels.length <= 1
    ? (labels[0] ?? "none")
    : `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
}

/** A file name without its folder and extension, as a source's default title. */
export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return (
    base
      .replace(/\.[a-z0-9]+$/i, "")
      .replace(/[_-]+/g, " ")
      .trim() || base
  );
}
