import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.ts";
import { inspectHouse } from "./support/house.ts";

describe("the house (DESIGN 'The house')", () => {
  it("has no import running upward, no circle of imports and no module-level let in the package", () => {
    expect(inspectHouse()).toEqual({ upward: [], circles: [], mutable: [] });
  });

  it("names each upward import, circle and module-level let of a house that has them", () => {
    const house = tempDir("bellwether-house-");
    try {
      const write = (file: string, text: string) => {
        mkdirSync(join(house.dir, file, ".."), { recursive: true });
        writeFileSync(join(house.dir, file), text);
      };
      write("index.ts", 'export * from "./cli/main.ts";\n');
      write("cli/main.ts", 'import { a } from "../core/a.ts";\nexport const main = a;\n');
      // core may import only engines: metrics is above it.
      write("core/a.ts", 'import { b } from "../metrics/b.ts";\nexport const a = b;\n');
      // b and c import each other (c only for a type: a circle all the same).
      write("metrics/b.ts", 'import type { C } from "./c.ts";\nexport const b = 1 as C;\n');
      write("metrics/c.ts", 'import { b } from "./b.ts";\nexport type C = number;\nexport const c = b;\n');
      // models may import core; a dashboard may import metrics: both fine.
      write("models/d.ts", 'import { a } from "../core/a.ts";\nexport let d = a;\n');
      write("dashboards/e.ts", 'import { c } from "../metrics/c.ts";\nexport const e = c;\n');
      expect(inspectHouse(house.dir)).toEqual({
        upward: ["core/a.ts → metrics/b.ts"],
        circles: [["metrics/b.ts", "metrics/c.ts"]],
        mutable: ["models/d.ts:2"],
      });
    } finally {
      house.cleanup();
    }
  });
});
