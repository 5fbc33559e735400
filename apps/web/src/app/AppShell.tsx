import { useQuery } from "@apollo/client/react";
import { type ChangeEvent, useEffect } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { ErrorState, errorMessage, LoadingState } from "../components/States.tsx";
import { AppShellDocument, ProjectNavDocument } from "./__generated__/shell.ts";
import { FRESH_FETCHES } from "./live-refetch.ts";
import { ReconnectingBanner } from "./live-status.tsx";
import { MailAlertBanner } from "./MailAlertBanner.tsx";
import { NotificationBell } from "./NotificationBell.tsx";
import {
  issuesPath,
  mailHealthPath,
  membersPath,
  parseProjectPath,
  quarantinePath,
  savedRepliesPath,
  settingsPath,
} from "./paths.ts";
import { useSession } from "./session.tsx";

/** Header (brand, project switcher, user, sign-out), the project's navigation, and the page. */
export const AppShell = () => {
  const location = useLocation();
  const navigate = useNavigate();
  const { signOut } = useSession();
  const { data, loading, error, refetch } = useQuery(AppShellDocument, { fetchPolicy: "cache-and-network" });
  const route = parseProjectPath(location.pathname);
  const nav = useQuery(ProjectNavDocument, {
    variables: { fullPath: route?.projectPath ?? "" },
    skip: !route,
    // The quarantine badge follows new mail on each page change (and after quarantine actions).
    fetchPolicy: "cache-and-network",
    context: FRESH_FETCHES,
  });
  const canAdmin = nav.data?.project?.userPermissions.adminProject ?? false;
  const quarantineCount = nav.data?.project?.quarantineCount ?? 0;
  const signedOut = !loading && !error && data && !data.currentUser;

  useEffect(() => {
    if (signedOut) {
      const redirect = `${location.pathname}${location.search}`;
      navigate(`/users/sign_in${redirect === "/" ? "" : `?redirect=${encodeURIComponent(redirect)}`}`, {
        replace: true,
      });
    }
  }, [signedOut, location.pathname, location.search, navigate]);

  if (!data && error) {
    return (
      <main id="main" className="page">
        <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />
      </main>
    );
  }
  if (signedOut) return <LoadingState label="Redirecting to sign in…" />;

  // The page mounts at once, hidden until the viewer is known, so its query runs in parallel with ours.
  const ready = !!data?.currentUser;
  const projects = data?.projects.nodes ?? [];
  const currentPath = route?.projectPath;
  const handleProjectChange = (event: ChangeEvent<HTMLSelectElement>) => {
    if (event.target.value) navigate(issuesPath(event.target.value));
  };
  const handleSignOut = async () => {
    await signOut();
    navigate("/users/sign_in", { replace: true });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <ReconnectingBanner />
      <MailAlertBanner admin={!!data?.currentUser?.admin} projectPath={currentPath ?? null} />
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Tidings home">
          <span className="brand__mark" aria-hidden="true" />
          Tidings
        </Link>
        <div className="topbar__project">
          <label htmlFor="project-switcher" className="visually-hidden">
            Switch project
          </label>
          <select id="project-switcher" value={currentPath ?? ""} onChange={handleProjectChange}>
            {!currentPath || !projects.some((p) => p.fullPath === currentPath) ? (
              <option value={currentPath ?? ""}>{currentPath ?? "Select a project"}</option>
            ) : null}
            {projects.map((p) => (
              <option key={p.id} value={p.fullPath}>
                {p.fullPath}
              </option>
            ))}
          </select>
        </div>
        <div className="topbar__user">
          {data?.currentUser?.admin ? (
            <Link to="/admin/users" className="topbar__username">
              Admin
            </Link>
          ) : null}
          {data?.currentUser ? <NotificationBell /> : null}
          {data?.currentUser ? (
            <Link to="/profile" className="topbar__username" title={`${data.currentUser.name}: your profile`}>
              @{data.currentUser.username}
            </Link>
          ) : null}
          <button type="button" className="btn btn--ghost" onClick={handleSignOut}>
            Sign out
          </button>
        </div>
      </header>
      {currentPath ? (
        <nav className="project-nav" aria-label="Project">
          <NavLink
            to={issuesPath(currentPath)}
            className={() => navClass(route?.page === "issues" || route?.page === "issue")}
          >
            Issues
          </NavLink>
          {data?.currentUser ? (
            <NavLink to={savedRepliesPath(currentPath)} className={() => navClass(route?.page === "saved_replies")}>
              Saved replies
            </NavLink>
          ) : null}
          {canAdmin ? (
            <>
              <NavLink to={settingsPath(currentPath)} className={() => navClass(route?.page === "settings")}>
                Service Desk settings
              </NavLink>
              <NavLink to={quarantinePath(currentPath)} className={() => navClass(route?.page === "quarantine")}>
                Quarantine
                {quarantineCount ? (
                  <span className="nav-badge">
                    {quarantineCount > 99 ? "99+" : quarantineCount}
                    <span className="visually-hidden"> messages</span>
                  </span>
                ) : null}
              </NavLink>
              <NavLink to={mailHealthPath(currentPath)} className={() => navClass(route?.page === "mail_health")}>
                Mail health
              </NavLink>
              <NavLink to={membersPath(currentPath)} className={() => navClass(route?.page === "members")}>
                Members
              </NavLink>
            </>
          ) : null}
        </nav>
      ) : null}
      <main id="main" className="page">
        {ready ? null : <LoadingState label="Loading Tidings…" />}
        <div hidden={!ready}>
          <Outlet />
        </div>
      </main>
    </div>
  );
};

const navClass = (active: boolean) => `project-nav__link${active ? " is-active" : ""}`;
