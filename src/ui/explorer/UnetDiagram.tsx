import { path as d3path, scaleSqrt } from 'd3';
import { Fragment, useMemo, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { neighbourBlock, unetLayout } from '../../core/explorer/unetLayout';
import type { BlockInfo } from '../../core/manifest/types';

const STAGE_NAMES: Record<BlockInfo['stage'], string> = {
  encoder: 'encoder',
  middle: 'middle',
  decoder: 'decoder',
  layer: 'layer',
};

/** The U-Net as blocks (never its raw graph): encoder down, middle, decoder up, skips above. */
export function UnetDiagram({
  blocks,
  selected,
  onSelect,
}: {
  blocks: readonly BlockInfo[];
  selected: number;
  onSelect: (block: number) => void;
}) {
  const layout = useMemo(() => unetLayout(blocks), [blocks]);
  const svgRef = useRef<SVGSVGElement>(null);
  const maxC = Math.max(1, ...blocks.map((b) => b.channels));
  const size = scaleSqrt().domain([0, maxC]).range([10, 30]);
  const byIndex = new Map(layout.boxes.map((b) => [b.index, b]));
  const indices = layout.boxes.map((b) => b.index);
  // The block's name (its module path, or the name the user gave it), when the manifest has one.
  const nameOf = new Map(blocks.map((b) => [b.index, b.module ? `, ${b.module}` : '']));

  const key = (e: KeyboardEvent, index: number) => {
    let next: number | null = null;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = neighbourBlock(indices, index, 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp')
      next = neighbourBlock(indices, index, -1);
    else if (e.key === 'Home') next = indices[0] ?? null;
    else if (e.key === 'End') next = indices[indices.length - 1] ?? null;
    else if (e.key === 'Enter' || e.key === ' ') next = index;
    if (next === null) return;
    e.preventDefault();
    onSelect(next);
    const el = svgRef.current?.querySelector<SVGGElement>(`[data-block="${next}"]`);
    el?.focus();
  };

  return (
    <svg
      ref={svgRef}
      className="unet"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label="U-Net blocks: pick one with a click or the arrow keys"
    >
      {layout.skips.map((s) => {
        const a = byIndex.get(s.from)!;
        const b = byIndex.get(s.to)!;
        const p = d3path();
        const lift = 18 + (b.x - a.x) * 0.12;
        p.moveTo(a.x, a.y - size(a.channels) / 2);
        p.bezierCurveTo(
          a.x,
          a.y - lift - 20,
          b.x,
          b.y - lift - 20,
          b.x,
          b.y - size(b.channels) / 2,
        );
        const hot = selected === s.from || selected === s.to;
        return (
          <path key={`${s.from}-${s.to}`} d={p.toString()} className={hot ? 'skip hot' : 'skip'} />
        );
      })}
      {layout.boxes.slice(1).map((b, i) => {
        const a = layout.boxes[i]!;
        return <line key={`f${b.index}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} className="flow" />;
      })}
      {layout.boxes.map((b) => {
        const s = size(b.channels);
        const on = b.index === selected;
        return (
          <Fragment key={b.index}>
            <g
              data-block={b.index}
              className={`block ${b.stage}${on ? ' selected' : ''}`}
              transform={`translate(${b.x},${b.y})`}
              role="button"
              tabIndex={on ? 0 : -1}
              aria-pressed={on}
              aria-label={`Block ${b.index}, ${STAGE_NAMES[b.stage]}, ${b.channels} channels, ${b.height}×${b.width}${nameOf.get(b.index) ?? ''}`}
              onClick={() => onSelect(b.index)}
              onKeyDown={(e) => key(e, b.index)}
            >
              <title>{`Block ${b.index} · ${STAGE_NAMES[b.stage]} · ${b.channels}×${b.height}×${b.width}${nameOf.get(b.index) ?? ''}`}</title>
              <rect x={-s / 2} y={-s / 2} width={s} height={s} rx={3} />
              <text className="num" y={4} textAnchor="middle">
                {b.index}
              </text>
            </g>
            {/* Outside the button, so its name (the aria-label) holds all the text it shows. */}
            <g transform={`translate(${b.x},${b.y})`} aria-hidden="true">
              <text className="dims" y={s / 2 + 12} textAnchor="middle">
                {b.channels}
              </text>
              <text className="dims" y={s / 2 + 22} textAnchor="middle">
                {`${b.height}²`}
              </text>
            </g>
          </Fragment>
        );
      })}
    </svg>
  );
}
