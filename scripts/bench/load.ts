/** HTTP load from the benchmark's own process (not the server's): autocannon at a fixed concurrency. */
import autocannon from 'autocannon';

export interface LoadFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer;
}

export async function load(
  spec: LoadSpec,
  options: { connections: number; seconds: number; warmupSeconds: number },
) {
  const base = {
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers ?? {},
    connections: options.connections,
    timeout: 30,
    ...(spec.body ? { body: spec.body } : {}),
  };
  if (options.warmupSeconds > 0) await autocannon({ ...base, duration: options.warmupSeconds });
  const result = await autocannon({ ...base, duration: options.seconds });
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  } satisfies LoadFigures;
}

/** A multipart/form-data body; fields in the given order (the order a pipeline should use). */
export function multipart(fields: Array<{ name: string; value: Uint8Array | string; filename?: string }>) {
  const boundary = `----trustgate-bench-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const field of fields) {
    const disposition = field.filename
      ? `form-data; name="${field.name}"; filename="${field.filename}"`
      : `form-data; name="${field.name}"`;
    const type = field.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    parts.push(Buffer.from(field.value));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
