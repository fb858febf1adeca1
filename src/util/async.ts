/** Cooperative long-running work: cancellation checks and yields between units of work. */

/** Throws an Error named AbortError, saying `message`, when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, message: string): void {
  if (signal?.aborted) {
    const error = new Error(message);
    error.name = 'AbortError';
    throw error;
  }
}

/** Yield to the event loop between units of work so an abort signal (or a server) gets a turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
