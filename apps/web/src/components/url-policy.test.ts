import { describe, expect, it } from "vitest";
import { classifyImage, isExternalLink, isSafeLink } from "./url-policy.ts";

const origin = "http://127.0.0.1:3000";

describe("classifyImage", () => {
  it("allows same-site uploads and safe inline images when they are ours", () => {
    expect(classifyImage("/uploads/abc/shot.png", origin)).toBe("allow");
    expect(classifyImage("http://127.0.0.1:3000/uploads/x.png", origin)).toBe("allow");
    expect(classifyImage("data:image/png;base64,iVBORw0KGgo=", origin)).toBe("allow");
  });

  it("holds back remote images and drops dangerous ones when the source is foreign", () => {
    expect(classifyImage("https://tracker.example/pixel.gif", origin)).toBe("remote");
    expect(classifyImage("//tracker.example/p.gif", origin)).toBe("remote");
    expect(classifyImage("javascript:alert(1)", origin)).toBe("drop");
    expect(classifyImage("data:image/svg+xml;base64,PHN2Zz4=", origin)).toBe("drop");
    expect(classifyImage("/graphql?q=1", origin)).toBe("drop");
    expect(classifyImage("cid:part1", origin)).toBe("drop");
  });
});

describe("isSafeLink", () => {
  it("accepts web and mail links and rejects script schemes when given raw hrefs", () => {
    expect(isSafeLink("https://example.com", origin)).toBe(true);
    expect(isSafeLink("mailto:a@example.com", origin)).toBe(true);
    expect(isSafeLink("/demo/app/-/issues/1", origin)).toBe(true);
    expect(isSafeLink("javascript:alert(1)", origin)).toBe(false);
    expect(isSafeLink(" JaVaScRiPt:alert(1)", origin)).toBe(false);
    expect(isSafeLink("data:text/html,<script>", origin)).toBe(false);
    expect(isSafeLink("vbscript:x", origin)).toBe(false);
  });

  it("tells external links from same-site ones", () => {
    expect(isExternalLink("https://example.com", origin)).toBe(true);
    expect(isExternalLink("/uploads/a", origin)).toBe(false);
  });
});
