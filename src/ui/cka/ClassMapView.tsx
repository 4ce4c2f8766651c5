import { schemeTableau10 } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import { keptItem } from '../../engine/app';
import type { CkaMapView } from '../../store/slices/cka';
import { ItemImage } from './ItemImage';

const SIDE = 340;
const PAD = 12;

/** Scales map coordinates into the square plot (one scale for both axes). */
function project(points: Float64Array, n: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of points) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  const out = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = PAD + ((points[2 * i]! - lo) / span) * (SIDE - 2 * PAD);
    out[2 * i + 1] = SIDE - PAD - ((points[2 * i + 1]! - lo) / span) * (SIDE - 2 * PAD);
  }
  return out;
}

function caption(map: CkaMapView): string {
  if (map.method === 'umap') return `2-D map of ${map.label}: UMAP (15 neighbours, seed 0)`;
  const [a, b] = map.explained ?? [0, 0];
  return `2-D map of ${map.label}: PCA, PC1 ${(100 * a).toFixed(1)}% and PC2 ${(100 * b).toFixed(1)}% of the variance`;
}

/**
 * The selected row's features in 2-D (PCA or UMAP), one dot per image, coloured by class;
 * hovering (or arrow keys) shows the image and its class.
 */
export function ClassMapView({ map }: { map: CkaMapView }) {
  const n = map.labels.length;
  const xy = useMemo(() => project(map.points, n), [map, n]);
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const c = ref.current;
    const g = c?.getContext('2d');
    if (!c || !g) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = SIDE * dpr;
    c.height = SIDE * dpr;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, SIDE, SIDE);
    for (let i = 0; i < n; i++) {
      g.fillStyle = schemeTableau10[map.labels[i]! % 10]!;
      g.globalAlpha = 0.75;
      g.beginPath();
      g.arc(xy[2 * i]!, xy[2 * i + 1]!, 2.5, 0, 2 * Math.PI);
      g.fill();
    }
    g.globalAlpha = 1;
    if (hover !== null) {
      g.strokeStyle = '#000';
      g.lineWidth = 2;
      g.beginPath();
      g.arc(xy[2 * hover]!, xy[2 * hover + 1]!, 5, 0, 2 * Math.PI);
      g.stroke();
    }
  }, [xy, n, map, hover]);

  function nearest(x: number, y: number): number | null {
    let best = -1;
    let dist = 100; // within 10 px
    for (let i = 0; i < n; i++) {
      const d = (xy[2 * i]! - x) ** 2 + (xy[2 * i + 1]! - y) ** 2;
      if (d < dist) {
        dist = d;
        best = i;
      }
    }
    return best >= 0 ? best : null;
  }

  const item = hover !== null ? keptItem(hover) : null;
  const cls = hover !== null ? map.classes[map.labels[hover]!] : undefined;
  return (
    <figure className="cka-map">
      <figcaption>
        {caption(map)}
        <br />
        <span data-testid="cka-map-knn">
          5-nearest-neighbour accuracy on the full features: {(100 * map.knn).toFixed(1)}%
        </span>{' '}
        (how well this representation separates the classes; chance is{' '}
        {(100 / map.classes.length).toFixed(0)}%)
      </figcaption>
      <div className="cka-map-row">
        <canvas
          ref={ref}
          style={{ width: SIDE, height: SIDE }}
          tabIndex={0}
          role="img"
          aria-label={`${map.method === 'umap' ? 'UMAP' : 'PCA'} map of ${map.label}, ${n} images coloured by class. Arrow keys step through the images.`}
          data-testid="cka-map"
          onMouseMove={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            setHover(nearest(e.clientX - r.left, e.clientY - r.top));
          }}
          onMouseLeave={() => setHover(null)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
              e.preventDefault();
              setHover((h) => ((h ?? -1) + 1) % n);
            } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
              e.preventDefault();
              setHover((h) => ((h ?? 0) - 1 + n) % n);
            }
          }}
        />
        <div className="cka-map-side">
          <ul className="cka-legend" aria-label="classes">
            {map.classes.map((c, i) => (
              <li key={c}>
                <span className="swatch" style={{ background: schemeTableau10[i % 10] }} /> {c}
              </li>
            ))}
          </ul>
          <div className="cka-hover" data-testid="cka-map-hover">
            {item ? (
              <>
                <ItemImage {...item} label={`image ${hover! + 1}, class ${cls ?? '?'}`} />
                <div>
                  image {hover! + 1}: {cls}
                </div>
              </>
            ) : (
              <span className="muted">Hover a dot to see its image.</span>
            )}
          </div>
        </div>
      </div>
    </figure>
  );
}
