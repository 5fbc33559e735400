import { type ReactNode, useEffect, useRef } from "react";

/** Sets the document title and moves focus to the page heading after client-side navigation. */
export const usePageTitle = (title: string) => {
  useEffect(() => {
    document.title = title ? `${title} · Tidings` : "Tidings";
  }, [title]);
};

export const PageHeading = ({ children, id }: { children: ReactNode; id?: string }) => {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Focus the heading only when focus is not already somewhere meaningful (client-side navigation).
    if (document.activeElement === document.body || document.activeElement === null) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} id={id} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
};

export const LoadingState = ({ label = "Loading…" }: { label?: string }) => (
  <div className="state state--loading" role="status" aria-live="polite">
    <span className="spinner" aria-hidden="true" />
    <span>{label}</span>
  </div>
);

export const ErrorState = ({
  title = "Something went wrong",
  message,
  onRetry,
}: {
  title?: string;
  message?: string;
  onRetry?: () => void;
}) => {
  usePageTitle(title);
  return (
    <section className="state state--error" aria-labelledby="error-title">
      <h1 id="error-title" className="page-title">
        {title}
      </h1>
      {message ? <p role="alert">{message}</p> : null}
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
};

/** Shown for a project that does not exist or that the viewer may not see (the API answers `null` for both). */
export const ProjectNotFound = () => (
  <ErrorState title="Project not found" message="This project does not exist, or you don't have access to it." />
);

export const AccessDenied = ({ message }: { message: string }) => (
  <ErrorState title="You don't have access" message={message} />
);

export const errorMessage = (error: unknown): string => {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    return error.message.includes("Failed to fetch")
      ? "Tidings could not be reached. Check your connection and try again."
      : error.message;
  }
  return "An unexpected error occurred.";
};
