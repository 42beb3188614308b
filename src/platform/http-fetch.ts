import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * The command's HTTP client: the part of `fetch` it uses (method, headers, a string or streamed body,
 * an abort signal; redirects are never followed, a 3xx is returned as it is), on node:http. Node 20's
 * global fetch loads its client on first use, about 200 ms of a run's start-up here, which a pipeline
 * pays for every verification.
 */
export async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`not an http(s) URL: ${url}`);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  // This client decodes no content coding: it asks for none, and refuses an answer that has one.
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body ?? null;
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  else if (body !== null && !(body instanceof ReadableStream))
    throw new TypeError('body: a string or a ReadableStream');

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: init.method ?? 'GET', headers });
    let answer: IncomingMessage | null = null;
    // The abort's reason (a timeout) is what a reader of the body sees, as with fetch.
    const abort = () => {
      const reason = signal?.reason ?? new DOMException('aborted', 'AbortError');
      answer?.destroy(reason);
      request.destroy(reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
    request.on('error', (error) => {
      signal?.removeEventListener('abort', abort);
      if (!answered) reject(signal?.aborted ? signal.reason : error);
    });
    // A 101 (or an answer to an upgrade) is another protocol, not an answer: without this listener
    // node:http drops the socket silently and the promise never settles (the process exited 13).
    request.on('upgrade', (response: IncomingMessage, socket) => {
      answered = true;
      socket.destroy();
      signal?.removeEventListener('abort', abort);
      reject(new TypeError(`HTTP ${response.statusCode}: the server switched to another protocol`));
    });
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      answer = response;
      response.on('close', () => signal?.removeEventListener('abort', abort));
      try {
        resolve(asResponse(response));
      } catch (error) {
        response.destroy();
        reject(error);
      }
    });
    if (body instanceof ReadableStream) void pump(body, request, () => answered);
    else request.end(body ?? undefined);
  });
}

/** Streams the body with backpressure; stops once the server has answered (it needs no more). */
async function pump(
  body: ReadableStream<Uint8Array>,
  request: ReturnType<typeof httpRequest>,
  answered: () => boolean,
): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      if (answered() || request.destroyed) {
        await reader.cancel();
        return;
      }
      const { done, value } = await reader.read();
      if (done) break;
      if (!request.write(value)) await drainedOrClosed(request);
    }
    request.end();
  } catch (error) {
    // A body that cannot be read (a file gone mid-upload) fails the request, as fetch's would.
    request.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

function drainedOrClosed(request: ReturnType<typeof httpRequest>): Promise<void> {
  return new Promise((done) => {
    const settle = () => {
      request.off('drain', settle);
      request.off('close', settle);
      done();
    };
    request.on('drain', settle);
    request.on('close', settle);
  });
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

function asResponse(response: IncomingMessage): Response {
  const status = response.statusCode ?? 0;
  // fetch would decode a gzip body (or fail); read as it is, a body labelled gzip but sent plain would
  // pass for the verdict it spells, an intermediary's coding for the server's answer.
  const coding = response.headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity')
    throw new TypeError(
      `HTTP ${status} with content-encoding '${coding}', which this client does not decode`,
    );
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  if (NULL_BODY_STATUSES.has(status)) {
    response.resume();
    return new Response(null, { status, headers });
  }
  // Response refuses statuses outside 200..599 itself (a 1xx here is a server speaking another protocol).
  return new Response(Readable.toWeb(response) as ReadableStream<Uint8Array>, { status, headers });
}
