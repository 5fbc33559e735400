// Issue 11.2: files from the composer go to POST /uploads (the body is the file, X-Filename names it) and
// come back as Markdown to insert and an id the comment sends with it.
export type Upload = {
  id: string;
  url: string;
  markdown: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
};

export const uploadFile = async (projectPath: string, file: File): Promise<Upload> => {
  const res = await fetch(`/uploads?project=${encodeURIComponent(projectPath)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": file.type || "application/octet-stream",
      "X-Filename": encodeURIComponent(file.name || "pasted-file"),
    },
    body: file,
  });
  const body = (await res.json().catch(() => null)) as (Upload & { errors?: string[] }) | null;
  if (!res.ok || !body || body.errors)
    throw new Error(body?.errors?.join(" ") ?? `The upload failed (HTTP ${res.status}).`);
  return body;
};

/** Files of a paste or a drop (a pasted screenshot has no name: it gets one). */
export const filesOf = (list: FileList | null | undefined): File[] =>
  Array.from(list ?? []).map((f) =>
    f.name
      ? f
      : new File([f], `pasted-${new Date().toISOString().replace(/[:.]/g, "-")}.${f.type.split("/")[1] ?? "bin"}`, {
          type: f.type,
        }),
  );
