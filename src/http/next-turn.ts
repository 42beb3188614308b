/**
 * Resolves on a later turn of the event loop (a timer, so I/O and other requests run first): long work on
 * one request is cut into slices with this between them.
 */
export const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
