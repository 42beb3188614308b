/**
 * Resolves on a later turn of the event loop, after pending I/O (and so other requests) ran: long work
 * on one request is cut into slices with this between them. setImmediate where there is one (Node: no
 * 1 ms timer clamp), a zero timer elsewhere (Workers).
 */
export const nextTurn = () =>
  new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
