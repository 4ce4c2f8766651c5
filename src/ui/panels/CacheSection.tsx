import { useCallback, useEffect, useState } from 'react';
import { unetEngine, userMessage } from '../../engine/app';
import type { CacheStats } from '../../protocol/model';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The feature cache in IndexedDB: how much it holds, and a way to empty it. */
export function CacheSection() {
  const [stats, setStats] = useState<CacheStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setStats(await unetEngine.cacheStats());
      setError(null);
    } catch (err) {
      setError(userMessage(err));
    }
  }, []);

  useEffect(() => {
    let live = true;
    unetEngine.cacheStats().then(
      (s) => live && setStats(s),
      (err: unknown) => live && setError(userMessage(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  async function clear() {
    setBusy(true);
    try {
      await unetEngine.clearCache();
      await refresh();
    } catch (err) {
      setError(userMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="heading-cache">
      <h3 id="heading-cache">Feature cache</h3>
      <p className="muted">
        Pooled block features are kept in this browser (IndexedDB) so a repeated request is served
        without running the U-Net. Nothing leaves your machine.
      </p>
      <p data-testid="cache-stats">
        {stats
          ? `${stats.entries} entries · ${mb(stats.bytes)} of ${mb(stats.limitBytes)}`
          : 'Reading the cache…'}
      </p>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      <button type="button" onClick={() => void refresh()}>
        Refresh
      </button>{' '}
      <button type="button" onClick={() => void clear()} disabled={busy || stats?.entries === 0}>
        Clear feature cache
      </button>
    </section>
  );
}
