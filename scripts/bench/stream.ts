/** One large artifact streamed through POST /verify from this process, next to sha256sum on the same file. */
import { execFileSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { request } from 'node:http';
import { rssOf } from './server';

export interface StreamFigures {
  bytes: number;
  seconds: number;
  mbPerSecond: number;
  status: number;
  verdict: string | null;
  body: string;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  rssGrowthBytes: number;
}

const MB = 1_000_000;

export function sha256sumSeconds(path: string): { seconds: number; mbPerSecond: number; hex: string } {
  const started = performance.now();
  const out = execFileSync('sha256sum', [path], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, mbPerSecond: statSync(path).size / MB / seconds, hex: out.split(' ')[0] ?? '' };
}

export async function streamUpload(options: {
  base: string;
  serverPid: number;
  artifactPath: string;
  fieldsBefore: Array<{ name: string; value: Uint8Array | string; filename?: string }>;
}): Promise<StreamFigures> {
  const boundary = `----trustgate-bench-${Math.random().toString(16).slice(2)}`;
  const head: Buffer[] = [];
  for (const field of options.fieldsBefore) {
    const disposition = field.filename
      ? `form-data; name="${field.name}"; filename="${field.filename}"`
      : `form-data; name="${field.name}"`;
    head.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    head.push(Buffer.from(field.value));
    head.push(Buffer.from('\r\n'));
  }
  head.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="artifact"; filename="artifact.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
  );
  const prefix = Buffer.concat(head);
  const suffix = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = statSync(options.artifactPath).size;
  const url = new URL('/verify', options.base);

  const rssBefore = rssOf(options.serverPid) ?? 0;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    const rss = rssOf(options.serverPid) ?? 0;
    if (rss > rssPeak) rssPeak = rss;
  }, 20);
  const started = performance.now();
  try {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(prefix.length + size + suffix.length),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.write(prefix);
      const file = createReadStream(options.artifactPath, { highWaterMark: 1024 * 1024 });
      file.on('error', reject);
      file.pipe(req, { end: false });
      file.on('end', () => req.end(suffix));
    });
    const seconds = (performance.now() - started) / 1000;
    let verdict: string | null = null;
    try {
      verdict = JSON.parse(body).verdict ?? null;
    } catch {
      verdict = null;
    }
    return {
      bytes: size,
      seconds,
      mbPerSecond: size / MB / seconds,
      status,
      verdict,
      body: body.slice(0, 300),
      rssBeforeBytes: rssBefore,
      rssPeakBytes: rssPeak,
      rssGrowthBytes: rssPeak - rssBefore,
    };
  } finally {
    clearInterval(sampler);
  }
}
