import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./errors.ts";

/** A definition from a project file, with the built-in it says it takes the place of. */
export interface Declared<T> {
  file: string;
  value: T;
  replaces?: string;
}

/** The folder Bellwether is installed in. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A built-in file's path as a message names it: inside the bellwether package. */
export const builtInFile = (file: string) => `bellwether/${relative(PACKAGE_ROOT, file)}`;

/** A project file's path as the user knows it: from the project folder. */
export const ownFile = (root: string, file: string) => relative(root, file) || file;

/**
 * Built-in items with a project's joined by name: a project item with a built-in's name must say it
 * `replaces` it, and then takes its place; otherwise the clash is an error naming both files.
 */
export function joinByName<B, P>(
  builtIn: readonly B[],
  own: readonly P[],
  parts: {
    kind: string;
    nameOf: (item: B | P) => string;
    builtInFile: (item: B) => string;
    ownFile: (item: P) => string;
    replaces: (item: P) => string | undefined;
  },
): (B | P)[] {
  const { kind, nameOf, builtInFile, ownFile, replaces } = parts;
  const byName = new Map<string, B | P>(builtIn.map((item) => [nameOf(item), item]));
  const ownNames = new Map<string, P>();
  for (const item of own) {
    const name = nameOf(item);
    const twice = ownNames.get(name);
    if (twice) throw new InputError(`${kind} "${name}" is declared twice: in ${ownFile(twice)} and in ${ownFile(item)}`);
    ownNames.set(name, item);
    const said = replaces(item);
    const existing = builtIn.find((b) => nameOf(b) === name);
    if (existing && said !== name)
      throw new InputError(
        `${ownFile(item)}: ${kind} "${name}" has the name of the built-in one in ${builtInFile(existing)}; ` +
          `add replaces: "${name}" to take its place, or give it a name of its own`,
      );
    if (!existing && said !== undefined)
      throw new InputError(`${ownFile(item)}: ${kind} "${name}" says it replaces "${said}", which is not a built-in ${kind} of that name`);
    byName.set(name, item);
  }
  return [...byName.values()];
}
