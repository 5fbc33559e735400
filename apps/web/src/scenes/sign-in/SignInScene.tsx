import { type FormEvent, useId, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { safeRedirect } from "../../app/paths.ts";
import { useSession } from "../../app/session.tsx";
import { usePageTitle } from "../../components/States.tsx";

export const SignInScene = () => {
  usePageTitle("Sign in");
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const errorId = useId();
  const loginRef = useRef<HTMLInputElement>(null);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const login = String(form.get("login") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!login || !password) {
      setError("Enter your username or email and your password.");
      loginRef.current?.focus();
      return;
    }
    setPending(true);
    setError(null);
    const problem = await signIn(login, password);
    setPending(false);
    if (problem) {
      setError(problem);
      return;
    }
    navigate(safeRedirect(params.get("redirect")), { replace: true });
  };

  return (
    <main id="main" className="sign-in">
      <div className="sign-in__card">
        <p className="brand brand--large">
          <span className="brand__mark" aria-hidden="true" />
          Tidings
        </p>
        <h1 className="sign-in__title">Sign in</h1>
        <form onSubmit={handleSubmit} noValidate aria-describedby={error ? errorId : undefined}>
          {error ? (
            <p id={errorId} className="alert alert--error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="login">Username or email</label>
            <input
              ref={loginRef}
              id="login"
              name="login"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              aria-invalid={error ? true : undefined}
            />
          </div>
          <button type="submit" className="btn btn--primary btn--block" disabled={pending}>
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </div>
    </main>
  );
};
