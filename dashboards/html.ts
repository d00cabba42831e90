/** Control characters HTML may not hold (NUL and the C0 set but tab, line feed and carriage return). */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Text with the characters HTML may not hold shown as U+FFFD, as a browser would. */
export function withoutControls(text: string): string {
  return text.replace(CONTROL, "\uFFFD");
}

const ESCAPED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SPECIAL = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Escapes text for HTML element content and attribute values. Everything from the data goes through it. */
export function escapeHtml(text: unknown): string {
  const value = String(text ?? "");
  // One pass, and none for the common text with nothing to escape (10,000 account pages of it).
  SPECIAL.lastIndex = 0;
  return SPECIAL.test(value) ? value.replace(SPECIAL, (c) => ESCAPED[c] ?? "\uFFFD") : value;
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(value);
}

/** Marks trusted markup (an SVG that Plot serialised, with its own text escaped) as Html. */
export const raw = (markup: string): Html => new Html(markup);
