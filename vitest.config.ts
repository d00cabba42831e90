import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The browser suite needs a system Chromium; it has its own script (npm run test:browser).
    exclude: ["test/browser/**", "node_modules/**"],
    // CLI tests spawn the real executable and build warehouses; give them room on a 2-core machine.
    testTimeout: 120_000,
    // No progress lines from the package's own functions (a CLI a test spawns says for itself: --quiet).
    env: { BELLWETHER_QUIET: "1" },
    hookTimeout: 120_000,
  },
});
