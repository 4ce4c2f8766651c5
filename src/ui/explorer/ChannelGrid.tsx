import { useMemo } from 'react';
import { colorize, type ColormapName } from '../../core/explorer/colormap';
import {
  channelRange,
  pageOf,
  symmetric,
  type ChannelStats,
  type NormMode,
  type Range,
} from '../../core/explorer/normalise';
import { useAppStore } from '../../store';
import { PixelCanvas } from './PixelCanvas';

export const PER_PAGE = 64;

/** One small heatmap per channel, in the chosen order, a page at a time. */
export function ChannelGrid({
  data,
  dims,
  stats,
  order,
  norm,
  colormap,
  global,
}: {
  data: Float32Array;
  dims: [number, number, number];
  stats: ChannelStats[];
  order: number[];
  norm: NormMode;
  colormap: ColormapName;
  global: Range | null;
}) {
  const page = useAppStore((s) => s.explorer.view.page);
  const focus = useAppStore((s) => s.explorer.view.focus);
  const setView = useAppStore((s) => s.setExplorerView);
  const [, H, W] = dims;
  const shown = pageOf(order, page, PER_PAGE);
  const cells = useMemo(
    () =>
      pageOf(order, page, PER_PAGE).items.map((c) => {
        const r0 = channelRange(norm, stats, c, global);
        const r = colormap === 'diverging' ? symmetric(r0) : r0;
        return { c, rgba: colorize(data, c * H * W, H * W, r.lo, r.hi, colormap) };
      }),
    [data, page, order, norm, colormap, global, stats, H, W],
  );
  return (
    <div className="channel-grid-wrap">
      {shown.pages > 1 && (
        <nav className="pager" aria-label="Channel pages">
          <button
            type="button"
            disabled={shown.page === 0}
            onClick={() => setView({ page: shown.page - 1 })}
          >
            Previous channels
          </button>
          <span>
            page {shown.page + 1} of {shown.pages}
          </span>
          <button
            type="button"
            disabled={shown.page >= shown.pages - 1}
            onClick={() => setView({ page: shown.page + 1 })}
          >
            Next channels
          </button>
        </nav>
      )}
      <ul className="channel-grid" aria-label="Channels" data-testid="channel-grid">
        {cells.map(({ c, rgba }) => (
          <li key={c}>
            <button
              type="button"
              className={focus === c ? 'channel focus' : 'channel'}
              aria-label={`Channel ${c} (variance ${stats[c]!.variance.toPrecision(3)})`}
              aria-pressed={focus === c}
              onClick={() => setView({ focus: focus === c ? null : c })}
            >
              <PixelCanvas
                rgba={rgba}
                width={W}
                height={H}
                label={`Channel ${c}`}
                className="cell"
              />
              <span className="cell-num">{c}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
