// Issue 11.3: the text being written is saved on the server (debounced), so a reload or another device
// finds it; leaving the page with unsent text asks first (the browser's own dialog, and in-app links).
import { useMutation } from "@apollo/client/react";
import { useEffect, useRef, useState } from "react";
import { useBlocker } from "react-router";
import { SaveNoteDraftDocument } from "../../saved-replies/__generated__/saved-replies.ts";

const SAVE_AFTER_MS = 700;

/** `seenAtStart`: the newest note when this text was begun (issue 11.5), saved with it. */
export const useDraft = (issueId: string, body: string, internal: boolean, seenAtStart: () => string | null) => {
  const [save] = useMutation(SaveNoteDraftDocument);
  const [status, setStatus] = useState("");
  const saved = useRef({ body, internal });
  const markOf = useRef(seenAtStart);
  markOf.current = seenAtStart;
  const unsent = body.trim() !== "";

  useEffect(() => {
    if (saved.current.body === body && saved.current.internal === internal) return;
    const timer = setTimeout(async () => {
      try {
        const input = { noteableId: issueId, body, internal, lastSeenNoteId: markOf.current() };
        const r = await save({ variables: { input } });
        const errors = r.data?.saveNoteDraft.errors ?? [];
        if (errors.length) return setStatus(`Draft not saved: ${errors.join(" ")}`);
        saved.current = { body, internal };
        setStatus(body.trim() ? "Draft saved" : "");
      } catch {
        setStatus("Draft not saved (offline?)");
      }
    }, SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [issueId, body, internal, save]);

  useEffect(() => {
    if (!unsent) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [unsent]);

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => unsent && currentLocation.pathname !== nextLocation.pathname,
  );
  // One question per blocked navigation, however often the blocker re-renders while it is answered.
  const asked = useRef<unknown>(null);
  useEffect(() => {
    if (blocker.state !== "blocked" || asked.current === blocker.location) return;
    asked.current = blocker.location;
    if (window.confirm("You have an unsent reply. It is kept as a draft. Leave this page?")) blocker.proceed();
    else blocker.reset();
  }, [blocker]);

  return {
    status,
    /** The comment went out: the server removed the draft with it. */
    sent: () => {
      saved.current = { body: "", internal: false };
      setStatus("");
    },
  };
};
