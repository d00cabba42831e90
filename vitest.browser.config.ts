import { defineConfig } from "vitest/config";

/** The site checked in a real headless Chromium (Debian's `chromium`, driven by playwright-core). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
