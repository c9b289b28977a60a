/**
 * The length of `text` in code points, as JSON Schema's `minLength` and `maxLength` count it: the
 * OpenAPI document's limits and the checks behind them use this one count.
 */
export function characterCount(text: string): number {
  return [...text].length;
}
