// Issue 11.2: a PDF attached to a message (from the customer or from the team) shows its first page in
// the thread. Rendered by pdf.js into a canvas in our own page — no plugin, no frame, no loosened headers —
// with script evaluation off; pdf.js loads only when a PDF is on screen.
import { useEffect, useRef, useState } from "react";

const WIDTH = 220;

const renderFirstPage = async (url: string, canvas: HTMLCanvasElement, signal: AbortSignal) => {
  const [pdfjs, worker] = await Promise.all([import("pdfjs-dist"), import("pdfjs-dist/build/pdf.worker.min.mjs?url")]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const bytes = await (await fetch(url, { credentials: "same-origin", signal })).arrayBuffer();
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  try {
    const page = await doc.getPage(1);
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: WIDTH / base.width });
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    await page.render({ canvas, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] }).promise;
    return doc.numPages;
  } finally {
    void doc.destroy();
  }
};

export const PdfPreview = ({ url, name }: { url: string; name: string }) => {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [state, setState] = useState<{ pages: number } | "loading" | "failed">("loading");
  useEffect(() => {
    const abort = new AbortController();
    if (canvas.current)
      renderFirstPage(url, canvas.current, abort.signal).then(
        (pages) => !abort.signal.aborted && setState({ pages }),
        () => !abort.signal.aborted && setState("failed"),
      );
    return () => abort.abort();
  }, [url]);
  return (
    <figure className="pdf-preview">
      <a href={url} target="_blank" rel="noreferrer" aria-label={`Open ${name}`}>
        <canvas ref={canvas} className="pdf-preview__page" role="img" aria-label={`First page of ${name}`} />
      </a>
      <figcaption>
        {name}
        {typeof state === "object" ? ` · ${state.pages} ${state.pages === 1 ? "page" : "pages"}` : null}
        {state === "failed" ? " · no preview (the file can still be downloaded)" : null}
      </figcaption>
    </figure>
  );
};

/** PDF uploads linked from a message's Markdown: `[name.pdf](/uploads/<secret>/name.pdf)`. */
export const pdfLinksIn = (markdown: string): { url: string; name: string }[] => {
  const out: { url: string; name: string }[] = [];
  const re = /\]\((\/uploads\/[0-9a-f]{32}\/([^)\s]+\.pdf))\)/gi;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    let name = m[2];
    try {
      name = decodeURIComponent(m[2]);
    } catch {
      // keep as written
    }
    if (!out.some((o) => o.url === m?.[1])) out.push({ url: m[1], name });
  }
  return out;
};

export const PdfPreviews = ({ markdown }: { markdown: string }) => {
  const pdfs = pdfLinksIn(markdown);
  if (pdfs.length === 0) return null;
  return (
    <div className="pdf-previews">
      {pdfs.map((p) => (
        <PdfPreview key={p.url} url={p.url} name={p.name} />
      ))}
    </div>
  );
};
