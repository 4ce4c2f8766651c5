import { useState } from 'react';
import { userMessage } from '../../engine/app';
import { runSystemCheck } from '../../engine/system/check';
import { BackendChoice } from './BackendChoice';
import { CacheSection } from './CacheSection';
import type { SystemReport } from '../../engine/system/check';

const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

export function SystemCheck() {
  const [report, setReport] = useState<SystemReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      setReport(await runSystemCheck());
    } catch (err) {
      setError(userMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="heading-system">
      <h2 id="heading-system">System check</h2>
      <p className="lead">
        Runs a tiny test network on WebGPU and on WebAssembly and compares both with PyTorch’s
        outputs: a quick way to check a laptop or a classroom machine.
      </p>
      <BackendChoice />
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Checking…' : 'Run system check'}
      </button>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
      {report && (
        <div className="report">
          <p data-testid="isolation">
            Cross-origin isolated: {report.crossOriginIsolated ? 'yes' : 'no'}
            {report.crossOriginIsolated
              ? ' (multithreaded WASM available)'
              : ' (WASM runs on one thread)'}
          </p>
          <table aria-label="Backend results">
            <thead>
              <tr>
                <th scope="col">Backend</th>
                <th scope="col">Status</th>
                <th scope="col">Time</th>
                <th scope="col">Max rel. error vs PyTorch</th>
              </tr>
            </thead>
            <tbody>
              {report.checks.map((c) => (
                <tr key={c.requested} data-testid={`check-${c.requested}`} data-ran={c.ran}>
                  <th scope="row">{c.requested === 'webgpu' ? 'WebGPU' : 'WASM'}</th>
                  <td>
                    {c.ran
                      ? `${c.info?.reason ?? 'ran'}${c.info?.backend === 'wasm' ? ` · ${c.info.threads} threads` : ''}`
                      : `not run: ${c.error ?? ''}`}
                  </td>
                  <td>{c.ran ? `${c.ms.toFixed(1)} ms` : '—'}</td>
                  <td data-testid={`error-${c.requested}`}>
                    {c.ran ? fmt(Math.max(...Object.values(c.errors))) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p data-testid="agreement">
            {report.agreement === null
              ? 'WebGPU and WASM could not both run here, so they were not compared.'
              : `WebGPU vs WASM: max relative difference ${fmt(report.agreement)}`}
          </p>
        </div>
      )}
      <CacheSection />
    </section>
  );
}
