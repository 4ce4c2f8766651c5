import { useEffect, useRef } from 'react';
import type { KeyboardEvent, MouseEvent } from 'react';
import { probeCorrespondence } from '../../engine/app';
import { useAppStore } from '../../store';
import { drawMatch, zoomFor } from './drawMatch';

const STEP: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The source (click or arrow keys set the probe point) and the target with its heatmap. */
export function MatchView({ S, C, range }: { S: number; C: number; range: [number, number] }) {
  const image = useAppStore((s) => s.explorer.image);
  const c = useAppStore((s) => s.correspondence);
  const src = useRef<HTMLCanvasElement>(null);
  const tgt = useRef<HTMLCanvasElement>(null);
  const zoom = zoomFor(S);
  const fresh = c.match && c.match.key === c.mapsKey ? c.match : null;

  useEffect(() => {
    if (!src.current || !image) return;
    const markers = c.point
      ? [{ x: c.point[0], y: c.point[1], color: '#ff3b30', shape: 'cross' as const }]
      : [];
    drawMatch(src.current, { x0: image.x0, C, S, range }, null, markers);
  }, [image, c.point, C, S, range]);

  useEffect(() => {
    if (!tgt.current || !c.targetImage) return;
    const markers = [];
    if (fresh?.truth)
      markers.push({
        x: fresh.truth[0],
        y: fresh.truth[1],
        color: '#34c759',
        shape: 'cross' as const,
      });
    if (fresh)
      markers.push({ x: fresh.best.x, y: fresh.best.y, color: '#ff3b30', shape: 'ring' as const });
    drawMatch(tgt.current, { x0: c.targetImage.x0, C, S, range }, fresh?.sim ?? null, markers);
  }, [c.targetImage, fresh, C, S, range]);

  const click = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * S);
    const y = Math.floor(((e.clientY - r.top) / r.height) * S);
    if (x >= 0 && y >= 0 && x < S && y < S) probeCorrespondence(x, y);
  };
  const key = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const d = STEP[e.key];
    if (!d) return;
    e.preventDefault();
    const k = e.shiftKey ? 4 : 1;
    const [x, y] = c.point ?? [Math.floor(S / 2), Math.floor(S / 2)];
    probeCorrespondence(x + d[0] * k, y + d[1] * k);
  };
  const off = fresh?.truth
    ? Math.hypot(fresh.best.x - fresh.truth[0], fresh.best.y - fresh.truth[1])
    : null;

  return (
    <div className="corr-views">
      <figure>
        <canvas
          ref={src}
          width={S * zoom}
          height={S * zoom}
          role="img"
          aria-label="Source: click a point"
          tabIndex={0}
          className="corr-canvas corr-source"
          onClick={click}
          onKeyDown={key}
        />
        <figcaption>
          Source{c.point ? `: point ${c.point[0]}, ${c.point[1]}` : ''}{' '}
          <span className="muted">(click, or focus and use the arrow keys; Shift: 4 px)</span>
        </figcaption>
      </figure>
      <figure>
        <canvas
          ref={tgt}
          width={S * zoom}
          height={S * zoom}
          role="img"
          aria-label="Target with the cosine similarity to the source point"
          className="corr-canvas"
          data-testid="corr-target"
        />
        <figcaption>
          {c.targetImage ? c.targetImage.label : 'Target'}
          <br />
          Best match:{' '}
          <output
            data-testid="best-match"
            data-key={fresh?.key ?? ''}
            data-point={fresh ? fresh.point.join(',') : ''}
          >
            {fresh ? `${fresh.best.x}, ${fresh.best.y}` : '—'}
          </output>
          {fresh && (
            <span className="muted">
              {' '}
              (cosine {fresh.best.value.toFixed(3)}; {fresh.ms.toFixed(1)} ms)
            </span>
          )}
          {fresh?.truth && off !== null && (
            <span data-testid="true-point">
              {' '}
              · true position {fresh.truth[0].toFixed(1)}, {fresh.truth[1].toFixed(1)} (off by{' '}
              {off.toFixed(1)} px)
            </span>
          )}
        </figcaption>
      </figure>
    </div>
  );
}
