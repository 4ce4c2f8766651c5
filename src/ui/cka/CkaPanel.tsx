import { staleNote } from '../../core/cka/basis';
import { cancelCka, cancelCkaMap, runCka, showCkaMap } from '../../engine/app';
import { currentBasis } from '../../engine/cka/run';
import { useAppStore } from '../../store';
import { ConditioningNote } from '../model/ConditioningNote';
import { CkaControls } from './CkaControls';
import { MatrixView } from './MatrixView';
import { ClassMapView } from './ClassMapView';
import { MapControls } from './MapControls';
import './cka.css';

/** Centered kernel alignment: how similar two blocks, two timesteps or two models are. */
export function CkaPanel() {
  const manifest = useAppStore((s) => s.model.summary?.manifest);
  const cka = useAppStore((s) => s.cka);
  const diffusion = manifest?.kind === 'diffusion' && manifest.schedule ? manifest : null;
  const running = cka.status === 'running';
  // A matrix left on screen after the model, the dataset or the conditioning changed says so.
  const stale = useAppStore((s) => {
    const basis = s.cka.result?.basis;
    return basis ? staleNote(basis, currentBasis(s)) : null;
  });

  return (
    <section aria-labelledby="cka-title" className="cka-panel">
      <h2 id="cka-title">CKA: how alike are two representations?</h2>
      <p className="lead">
        Linear centered kernel alignment (Kornblith et al. 2019) between block features of the same
        images: 1 means the same up to rotation and scale, 0 unrelated. Click a cell for a 2-D map
        of that row&apos;s features.
      </p>
      <ConditioningNote />
      {!diffusion ? (
        <p className="muted">Load a diffusion U-Net with a manifest to compare its blocks.</p>
      ) : (
        <>
          <CkaControls blocks={diffusion.blocks.map((b) => b.index)} T={diffusion.schedule!.T} />
          <div className="cka-actions">
            <button type="button" onClick={() => void runCka()} disabled={running}>
              Compute CKA
            </button>
            <button type="button" onClick={cancelCka} disabled={!running}>
              Cancel
            </button>
            {cka.progress && (
              <span className="cka-progress">
                <progress
                  max={1}
                  value={cka.progress.fraction ?? undefined}
                  aria-label="CKA progress"
                />{' '}
                {cka.progress.text}
              </span>
            )}
          </div>
        </>
      )}
      {cka.error && <p className="error-text">{cka.error}</p>}
      {cka.result && (
        <>
          <p className="muted" data-testid="cka-note">
            n = {cka.result.n} images · products: {cka.result.note} · {Math.round(cka.result.ms)} ms
          </p>
          {stale && (
            <p role="status" className="error-text" data-testid="cka-stale">
              {stale}
            </p>
          )}
          <div className="cka-views">
            <MatrixView
              matrix={cka.result.matrix}
              selectedRow={cka.selectedRow}
              onSelectRow={(row) => void showCkaMap(row)}
            />
            <div>
              <MapControls
                progress={cka.mapProgress}
                onChange={() => cka.selectedRow !== null && void showCkaMap(cka.selectedRow)}
                onCancel={cancelCkaMap}
              />
              {cka.map ? (
                <ClassMapView map={cka.map} />
              ) : (
                <p className="muted cka-map-hint">
                  Click a row of the matrix (or press Enter on it) to map that block&apos;s features
                  in 2-D by class.
                </p>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
