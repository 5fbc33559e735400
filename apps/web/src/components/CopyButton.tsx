import { useState } from "react";

export const CopyButton = ({ text, label }: { text: string; label: string }) => {
  const [copied, setCopied] = useState<"idle" | "done" | "failed">("idle");
  const handleClick = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("done");
    } catch {
      setCopied("failed");
    }
    window.setTimeout(() => setCopied("idle"), 2000);
  };
  return (
    <>
      <button type="button" className="btn btn--small" onClick={handleClick} aria-label={label}>
        {copied === "done" ? "Copied" : "Copy"}
      </button>
      <span className="visually-hidden" role="status">
        {copied === "done"
          ? "Copied to clipboard"
          : copied === "failed"
            ? "Copy failed: select the text and copy it"
            : ""}
      </span>
    </>
  );
};
