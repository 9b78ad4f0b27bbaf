import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";

import ChatMarkdown from "./markdown";

const render = (text: string) => renderToStaticMarkup(<ChatMarkdown text={text} />);

describe("the chat's Markdown", () => {
  test("renders the usual formatting", () => {
    expect(render("Hello **world**, use `code`.\n\n- one\n- two\n\n1. first")).toBe(
      '<p class="whitespace-pre-wrap [&amp;:not(:first-child)]:mt-2">Hello <strong>world</strong>, ' +
        'use <code class="rounded bg-background/60 px-1 font-mono text-[0.85em]">code</code>.</p>' +
        '<ul class="mt-2 list-disc pl-5"><li>one</li><li>two</li></ul>' +
        '<ol start="1" class="mt-2 list-decimal pl-5"><li>first</li></ol>',
    );
  });

  test("keeps a one-line message a paragraph and its line breaks", () => {
    expect(render("Hi\nthere")).toBe(
      '<p class="whitespace-pre-wrap [&amp;:not(:first-child)]:mt-2">Hi\nthere</p>',
    );
  });

  test("opens links in a new tab without handing over the widget or its URL", () => {
    const html = render("See [shipping](https://example.com/shipping) or https://example.com/faq");
    const links = [...html.matchAll(/<a [^>]*>/g)].map((match) => match[0]);
    expect(links).toHaveLength(2);
    for (const link of links) {
      expect(link).toContain('target="_blank"');
      expect(link).toContain('rel="noopener noreferrer"');
    }
    expect(links[0]).toContain('href="https://example.com/shipping"');
    expect(links[1]).toContain('href="https://example.com/faq"');
  });

  test("shows raw HTML as text instead of rendering it", () => {
    const html = render('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)"> <b>bold</b>');
    expect(html).not.toMatch(/<(script|img|b)\b/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  });

  test("drops script and data URLs from links", () => {
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,hi"]) {
      const html = render(`[click](${url})`);
      expect(html).toContain(">click</a>");
      expect(html).not.toContain("href=");
    }
  });
});
