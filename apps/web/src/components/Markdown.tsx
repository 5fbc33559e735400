import { useMemo, useState } from "react";
import { renderMarkdown } from "./markdown.ts";

/** Sanitised Markdown. Remote images stay blocked until the responder clicks "Show remote images". */
export const Markdown = ({ source, className = "" }: { source: string | null | undefined; className?: string }) => {
  const [allowRemoteImages, setAllowRemoteImages] = useState(false);
  const rendered = useMemo(() => renderMarkdown(source ?? "", { allowRemoteImages }), [source, allowRemoteImages]);
  if (!source?.trim()) return <p className="muted">No description.</p>;
  return (
    <div className={`markdown-block ${className}`}>
      {rendered.blockedImages > 0 ? (
        <div className="remote-images-notice">
          <span>
            {rendered.blockedImages === 1
              ? "1 remote image was blocked to protect your privacy."
              : `${rendered.blockedImages} remote images were blocked to protect your privacy.`}
          </span>
          <button type="button" className="btn btn--small" onClick={() => setAllowRemoteImages(true)}>
            Show remote images
          </button>
        </div>
      ) : null}
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify in renderMarkdown */}
      <div className="markdown" dangerouslySetInnerHTML={{ __html: rendered.html }} />
    </div>
  );
};
