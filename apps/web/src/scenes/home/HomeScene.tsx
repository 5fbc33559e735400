import { useQuery } from "@apollo/client/react";
import { Link, Navigate } from "react-router";
import { issuesPath } from "../../app/paths.ts";
import { ErrorState, errorMessage, LoadingState, PageHeading, usePageTitle } from "../../components/States.tsx";
import { AppShellDocument } from "../../app/__generated__/shell.ts";

/** `/`: straight to the only project, or a list to pick from. */
export const HomeScene = () => {
  usePageTitle("Projects");
  const { data, loading, error, refetch } = useQuery(AppShellDocument);
  if (!data && loading) return <LoadingState />;
  if (!data && error) return <ErrorState message={errorMessage(error)} onRetry={() => refetch()} />;
  const projects = data?.projects.nodes ?? [];
  if (projects.length === 1) return <Navigate to={issuesPath(projects[0].fullPath)} replace />;
  return (
    <section>
      <PageHeading>Projects</PageHeading>
      {projects.length === 0 ? (
        <p className="empty">You are not a member of any project yet. Ask a project maintainer to add you.</p>
      ) : (
        <ul className="card-list">
          {projects.map((project) => (
            <li key={project.id} className="card-list__item">
              <Link to={issuesPath(project.fullPath)} className="card-list__title">
                {project.name}
              </Link>
              <span className="muted">{project.fullPath}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
