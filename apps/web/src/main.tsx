import { ApolloProvider } from "@apollo/client/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createApolloClient } from "./app/apollo-client.ts";
import { LiveStatusProvider } from "./app/live-status.tsx";
import { createAppRouter } from "./app/router.tsx";
import { SessionProvider } from "./app/session.tsx";
import "./app/styles.css";

const { client, wsClient, liveStatus } = createApolloClient();
const router = createAppRouter();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <LiveStatusProvider status={liveStatus}>
        <SessionProvider wsClient={wsClient}>
          <RouterProvider router={router} />
        </SessionProvider>
      </LiveStatusProvider>
    </ApolloProvider>
  </StrictMode>,
);
