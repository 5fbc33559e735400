import { defineConfig } from "vitest/config";

// graphql 16 has no exports map: make Vite load the same copy Node does (stack.md G7).
const alias = [{ find: /^graphql$/, replacement: "graphql/index.js" }];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "apps/*/src/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
          exclude: ["**/*.int.test.ts", "**/*.conformance.test.ts", "**/node_modules/**"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: [
            "packages/*/src/**/*.int.test.ts",
            "apps/*/src/**/*.int.test.ts",
            "apps/*/test/**/*.int.test.ts",
            "scripts/**/*.int.test.ts",
          ],
          globalSetup: ["packages/db/src/testing/global-setup.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
        },
      },
      {
        // `npm run test:conformance`: GitLab's own test emails, read from outside the repository
        // (GITLAB_CORPUS_DIR, default ../shared/corpus/gitlab). Never part of `npm test`.
        resolve: { alias },
        test: {
          name: "conformance",
          include: ["packages/*/src/**/*.conformance.test.ts"],
          globalSetup: ["packages/db/src/testing/global-setup.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
    ],
  },
});
