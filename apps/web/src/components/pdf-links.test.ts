import { describe, expect, it } from "vitest";
import { pdfLinksIn } from "./PdfPreview.tsx";

describe("pdfLinksIn (11.2)", () => {
  it("finds PDF uploads in a message's Markdown, once each, names decoded", () => {
    const s = "a".repeat(32);
    const md = `See [Invoice 1.pdf](/uploads/${s}/Invoice%201.pdf) and ![x](/uploads/${s}/x.png)\n[again](/uploads/${s}/Invoice%201.pdf) [ext](https://e.com/a.pdf)`;
    expect(pdfLinksIn(md)).toEqual([{ url: `/uploads/${s}/Invoice%201.pdf`, name: "Invoice 1.pdf" }]);
  });
});
