/** A value as compact JSON for a <pre>; never throws (a value JSON cannot hold is shown as text). */
export function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
