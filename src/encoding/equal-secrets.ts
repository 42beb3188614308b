/**
 * Compares two secrets (token hashes, CSRF tokens) without stopping at the first difference, so the time
 * taken says nothing about how much of a guess was right. Empty strings never match.
 */
export function equalSecrets(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
