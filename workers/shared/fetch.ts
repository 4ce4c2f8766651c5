import type { LoadProgress } from '../../src/protocol/model';

/** Fetches a file as bytes, reporting progress per chunk; honours the abort signal. */
export async function fetchBytes(
  url: string,
  signal: AbortSignal,
  progress: (p: LoadProgress) => void,
): Promise<Uint8Array> {
  const file = url.split('/').pop() ?? url;
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`could not fetch ${file}: HTTP ${res.status}`);
  const total = Number(res.headers.get('Content-Length') ?? 0);
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    progress({ loaded, total, stage: 'download', file });
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
