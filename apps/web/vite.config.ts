import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = "http://127.0.0.1:3000";

// The api serves the built SPA in production; in development Vite proxies everything dynamic to it.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: true },
      "/auth": { target: api, changeOrigin: true },
      "/uploads": { target: api, changeOrigin: true },
      "/-/": { target: api, changeOrigin: true },
    },
  },
  preview: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: true },
      "/auth": { target: api, changeOrigin: true },
      "/uploads": { target: api, changeOrigin: true },
      "/-/": { target: api, changeOrigin: true },
    },
  },
  build: { target: "es2022", sourcemap: false, chunkSizeWarningLimit: 600 },
});
