import { createBrowserRouter, useLocation } from "react-router";
import { ErrorState } from "../components/States.tsx";
import { HomeScene } from "../scenes/home/HomeScene.tsx";
import { IssuesScene } from "../scenes/issues/IssuesScene.tsx";
import { QuarantineScene } from "../scenes/quarantine/QuarantineScene.tsx";
import { SettingsScene } from "../scenes/settings/SettingsScene.tsx";
import { SignInScene } from "../scenes/sign-in/SignInScene.tsx";
import { ThreadScene } from "../scenes/thread/ThreadScene.tsx";
import { AppShell } from "./AppShell.tsx";
import { parseProjectPath } from "./paths.ts";

/** Every project page lives under `/<full/path>/-/…`; the splat route parses it (paths.ts). */
const ProjectRoutes = () => {
  const { pathname } = useLocation();
  const route = parseProjectPath(pathname);
  if (!route || route.page === "unknown") return <NotFoundPage />;
  switch (route.page) {
    case "issues":
      return <IssuesScene key={route.projectPath} projectPath={route.projectPath} />;
    case "issue":
      return <ThreadScene key={`${route.projectPath}#${route.iid}`} projectPath={route.projectPath} iid={route.iid} />;
    case "settings":
      return <SettingsScene key={route.projectPath} projectPath={route.projectPath} />;
    case "quarantine":
      return <QuarantineScene key={route.projectPath} projectPath={route.projectPath} />;
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
        { path: "*", element: <ProjectRoutes /> },
      ],
    },
  ]);
