import { PageHeading, usePageTitle } from "../../components/States.tsx";

export const QuarantineScene = ({ projectPath }: { projectPath: string }) => {
  usePageTitle(`Quarantine · ${projectPath}`);
  return (
    <section>
      <PageHeading>Quarantine</PageHeading>
      <p className="muted">Loading the quarantine needs the API's quarantine listing.</p>
    </section>
  );
};
