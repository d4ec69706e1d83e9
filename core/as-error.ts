/**
 * A caught or rejected value as an Error, for code that keeps a failure to throw later. An Error comes
 * back as the very same object (a typed UserError keeps its class, exit code and one-line message);
 * anything else thrown becomes an Error whose message is its text.
 */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
