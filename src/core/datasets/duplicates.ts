/**
 * Duplicate files by content: the first file with a content hash is kept, later files with
 * the same hash and size are reported as copies of it.
 */
export class DuplicateIndex {
  private readonly seen = new Map<string, string>();

  /** The path of an earlier file with the same content, or null (and this one is recorded). */
  check(path: string, hash: string, size: number): string | null {
    const key = `${size}:${hash}`;
    const first = this.seen.get(key);
    if (first !== undefined) return first;
    this.seen.set(key, path);
    return null;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** Hex SHA-256 of bytes (WebCrypto: workers, pages and Node alike). */
export async function contentHash(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
