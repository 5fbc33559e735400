import { useQuery } from "@apollo/client/react";
import { useEffect, useState } from "react";
import { Markdown } from "../../components/Markdown.tsx";
import { ServiceDeskTemplatePreviewDocument } from "./__generated__/settings.ts";
import { fillTemplate, sampleValues } from "./templates.ts";

const FIELD = { thank_you: "thankYou", new_note: "newNote", new_participant: "newParticipant" } as const;

const useDebounced = <T,>(value: T, ms: number) => {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
};

/**
 * B5 live preview: the server renders the email exactly as it will be sent (with sample values), shown in
 * a sandboxed frame (no script, no same-origin access). While it loads or if it fails, a local Markdown
 * rendering of the same sample stands in.
 */
export const TemplatePreview = ({
  kind,
  label,
  projectPath,
  template,
}: {
  kind: "thank_you" | "new_note" | "new_participant";
  label: string;
  projectPath: string;
  template: string;
}) => {
  const [open, setOpen] = useState(false);
  const debounced = useDebounced(template, 300);
  const { data, error } = useQuery(ServiceDeskTemplatePreviewDocument, {
    variables: {
      projectPath,
      template: debounced.trim() ? debounced : null,
      thankYou: kind === "thank_you",
      newNote: kind === "new_note",
      newParticipant: kind === "new_participant",
    },
    skip: !open,
  });
  const preview = data?.[FIELD[kind]];
  const title = `Preview of the ${label.toLowerCase().replace(" template", "")}`;
  return (
    <details className="template-preview" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Preview {label.toLowerCase().replace(" template", "")}</summary>
      <div className="template-preview__body">
        {preview ? (
          <>
            <p className="template-preview__subject">
              <span className="muted">Subject: </span>
              {preview.subject}
            </p>
            <iframe className="template-preview__frame" title={title} sandbox="" srcDoc={preview.html} />
          </>
        ) : (
          <>
            {error ? <p className="muted">The server preview is unavailable; this is a local rendering.</p> : null}
            {template.trim() ? (
              <Markdown source={fillTemplate(template, sampleValues(projectPath, window.location.origin, kind))} />
            ) : (
              <p className="muted">Empty: Tidings sends its default email.</p>
            )}
          </>
        )}
      </div>
    </details>
  );
};
