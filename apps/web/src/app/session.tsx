import { useApolloClient } from "@apollo/client/react";
import type { Client } from "graphql-ws";
import { createContext, type ReactNode, useCallback, useContext, useMemo } from "react";

type Session = {
  /** POST /auth/sign_in; resolves to an error sentence, or null on success. */
  signIn: (login: string, password: string) => Promise<string | null>;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<Session | null>(null);

export const SessionProvider = ({ wsClient, children }: { wsClient: Client; children: ReactNode }) => {
  const client = useApolloClient();

  // The WebSocket authenticates once, when it opens: restart it whenever the session cookie changes.
  const resetConnections = useCallback(async () => {
    wsClient.terminate();
    await client.clearStore();
  }, [client, wsClient]);

  const signIn = useCallback(
    async (login: string, password: string) => {
      let response: Response;
      try {
        response = await fetch("/auth/sign_in", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ login, password }),
        });
      } catch {
        return "Tidings could not be reached. Check your connection and try again.";
      }
      if (response.ok) {
        await resetConnections();
        return null;
      }
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      if (body?.message) return body.message;
      if (response.status === 401) return "Invalid login or password.";
      if (response.status === 429) return "Too many failed attempts. Wait a few minutes and try again.";
      return "Sign-in failed. Try again.";
    },
    [resetConnections],
  );

  const signOut = useCallback(async () => {
    await fetch("/auth/sign_out", { method: "POST", credentials: "same-origin" }).catch(() => undefined);
    await resetConnections();
  }, [resetConnections]);

  const value = useMemo(() => ({ signIn, signOut }), [signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
};

export const useSession = () => {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
};
