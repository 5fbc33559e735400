import { lazy, Suspense } from "react";
import { createBrowserRouter, useLocation } from "react-router";
import { ErrorState, LoadingState } from "../components/States.tsx";
import { HomeScene } from "../scenes/home/HomeScene.tsx";
import { IssuesScene } from "../scenes/issues/IssuesScene.tsx";
import { SignInScene } from "../scenes/sign-in/SignInScene.tsx";

// The list and sign-in are in the first bundle; the rest (with Markdown and DOMPurify) load on demand.
const ThreadScene = lazy(() => import("../scenes/thread/ThreadScene.tsx").then((m) => ({ default: m.ThreadScene })));
const SettingsScene = lazy(() =>
  import("../scenes/settings/SettingsScene.tsx").then((m) => ({ default: m.SettingsScene })),
);
const QuarantineScene = lazy(() =>
  import("../scenes/quarantine/QuarantineScene.tsx").then((m) => ({ default: m.QuarantineScene })),
);
const MailHealthScene = lazy(() =>
  import("../scenes/mail-health/MailHealthScene.tsx").then((m) => ({ default: m.MailHealthScene })),
);
const SavedRepliesScene = lazy(() =>
  import("../scenes/saved-replies/SavedRepliesScene.tsx").then((m) => ({ default: m.SavedRepliesScene })),
);
const MembersScene = lazy(() => import("../scenes/team/MembersScene.tsx").then((m) => ({ default: m.MembersScene })));
const ProfileScene = lazy(() => import("../scenes/team/ProfileScene.tsx").then((m) => ({ default: m.ProfileScene })));
const NotificationsScene = lazy(() =>
  import("../scenes/notifications/NotificationsScene.tsx").then((m) => ({ default: m.NotificationsScene })),
);
const AdminUsersScene = lazy(() =>
  import("../scenes/team/AdminUsersScene.tsx").then((m) => ({ default: m.AdminUsersScene })),
);
import { AppShell } from "./AppShell.tsx";
import { inboxPath, type ProjectRoute, parseProjectPath } from "./paths.ts";

/** Every project page lives under `/<full/path>/-/…`; the splat route parses it (paths.ts). */
const ProjectRoutes = () => {
  const { pathname } = useLocation();
  const route = parseProjectPath(pathname);
  if (!route || route.page === "unknown") return <NotFoundPage />;
  return <Suspense fallback={<LoadingState />}>{projectPage(route)}</Suspense>;
};

const projectPage = (route: Exclude<ProjectRoute, { page: "unknown" }>) => {
  switch (route.page) {
    case "issues":
      return <IssuesScene key={route.projectPath} projectPath={route.projectPath} />;
    case "issue":
      return <ThreadScene key={`${route.projectPath}#${route.iid}`} projectPath={route.projectPath} iid={route.iid} />;
    case "settings":
      return <SettingsScene key={route.projectPath} projectPath={route.projectPath} />;
    case "quarantine":
      return <QuarantineScene key={route.projectPath} projectPath={route.projectPath} />;
    case "mail_health":
      return <MailHealthScene key={route.projectPath} projectPath={route.projectPath} />;
    case "saved_replies":
      return <SavedRepliesScene key={route.projectPath} projectPath={route.projectPath} />;
    case "members":
      return <MembersScene key={route.projectPath} projectPath={route.projectPath} />;
  }
};

const NotFoundPage = () => (
  <ErrorState title="Page not found" message="This page does not exist, or you don't have access to it." />
);

export const createAppRouter = () =>
  createBrowserRouter([
    { path: "/users/sign_in", element: <SignInScene /> },
    {
      element: <AppShell />,
      children: [
        { index: true, element: <HomeScene /> },
        {
          path: "/profile",
          element: (
            <Suspense fallback={<LoadingState />}>
              <ProfileScene />
            </Suspense>
          ),
        },
        {
          path: inboxPath,
          element: (
            <Suspense fallback={<LoadingState />}>
              <NotificationsScene />
            </Suspense>
          ),
        },
        {
          path: "/admin/users",
          element: (
            <Suspense fallback={<LoadingState />}>
              <AdminUsersScene />
            </Suspense>
          ),
        },
        { path: "*", element: <ProjectRoutes /> },
      ],
    },
  ]);
