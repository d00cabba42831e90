/** A derived metric's expression: metric names and a few SQL functions (DESIGN "Metrics"). */

/** Identifiers in a derived expression that are not metrics: the SQL functions a definition may use. */
export const EXPRESSION_FUNCTIONS = new Set(["nullif", "coalesce", "abs", "least", "greatest", "round", "sqrt"]);

export function identifiersOf(expression: string): string[] {
  return [...new Set(expression.match(/\b[a-z_][a-z0-9_]*\b/g) ?? [])].filter((w) => !EXPRESSION_FUNCTIONS.has(w));
}

/** The expression with each metric name replaced by that metric's SQL value (derived ones too, recursively). */
export function substituteMetrics(expression: string, valueOf: (name: string) => string): string {
  return expression.replace(/\b[a-z_][a-z0-9_]*\b/g, (word) => (EXPRESSION_FUNCTIONS.has(word) ? word : `(${valueOf(word)})`));
}
