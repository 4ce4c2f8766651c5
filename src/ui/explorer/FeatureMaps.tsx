import { useEffect, useMemo, useState } from 'react';
import { colorize } from '../../core/explorer/colormap';
import {
  blockRange,
  channelMean,
  channelRange,
  channelStats,
  orderChannels,
  symmetric,
  widenRange,
  type Range,
} from '../../core/explorer/normalise';
import { pcaRgb } from '../../core/explorer/pcaRgb';
import { imageToRgba } from '../../core/explorer/pixels';
import type { ModelManifest } from '../../core/manifest/types';
import { useAppStore } from '../../store';
import { ChannelGrid } from './ChannelGrid';
import { ColorLegend } from './ColorLegend';
import { FeatureControls } from './FeatureControls';
import { PixelCanvas } from './PixelCanvas';

/** The selected block's maps: a large map (channel mean or a picked channel), PCA-to-RGB, the grid. */
export function FeatureMaps({ manifest }: { manifest: ModelManifest }) {
  const features = useAppStore((s) => s.explorer.features);
  const status = useAppStore((s) => s.explorer.featureStatus);
  const error = useAppStore((s) => s.explorer.featureError);
  const view = useAppStore((s) => s.explorer.view);
  const global = useAppStore((s) => s.explorer.globalRange);
  const setGlobalRange = useAppStore((s) => s.setGlobalRange);
  const image = useAppStore((s) => s.explorer.image);
  const [hover, setHover] = useState<{ x: number; y: number } | null>(null);

  const data = features?.data;
  const [C, H, W] = features?.dims ?? [0, 0, 0];
  const stats = useMemo(() => (data ? channelStats(data, C, H * W) : []), [data, C, H, W]);
  const order = useMemo(() => orderChannels(stats, view.order), [stats, view.order]);
  const mean = useMemo(() => (data ? channelMean(data, C, H * W) : null), [data, C, H, W]);
  const pca = useMemo(() => (data && H * W >= 2 ? pcaRgb(data, C, H, W) : null), [data, C, H, W]);

  // The global range grows with every block and timestep seen.
  useEffect(() => {
    if (view.norm !== 'global' || !stats.length) return;
    const r = blockRange(stats);
    const g = useAppStore.getState().explorer.globalRange;
    const next = widenRange(g, r);
    if (!g || next.lo !== g.lo || next.hi !== g.hi) setGlobalRange(next);
  }, [stats, view.norm, setGlobalRange]);

  const focus = view.focus !== null && view.focus < C ? view.focus : null;
  const bigValues = focus === null ? mean : data?.subarray(focus * H * W, (focus + 1) * H * W);
  const bigRange: Range = useMemo(() => {
    if (!bigValues) return { lo: 0, hi: 0 };
    let r: Range;
    if (focus !== null) r = channelRange(view.norm, stats, focus, global);
    else if (view.norm === 'channel') {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of bigValues) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      r = { lo, hi };
    } else r = view.norm === 'global' && global ? global : blockRange(stats);
    return view.colormap === 'diverging' ? symmetric(r) : r;
  }, [bigValues, focus, view.norm, view.colormap, stats, global]);
  const bigRgba = useMemo(
    () =>
      bigValues
        ? colorize(
            bigValues,
            0,
            H * W,
            bigRange.lo,
            bigRange.hi,
            view.colormap,
            view.overlay ? 150 : 255,
          )
        : null,
    [bigValues, H, W, bigRange, view.colormap, view.overlay],
  );
  const input = useMemo(() => {
    const { size: S, channels: IC, range } = manifest.image;
    // An image made for the previous model waits for its replacement.
    if (!image || image.x0.length !== IC * S * S) return null;
    return { rgba: imageToRgba(image.x0, IC, S, S, range), S };
  }, [image, manifest.image]);

  if (!features || !data) {
    return (
      <section className="feature-maps" aria-label="Feature maps" aria-busy={status === 'loading'}>
        <p className="muted">
          {status === 'error' ? (error ?? 'No maps.') : 'Computing the feature maps…'}
        </p>
      </section>
    );
  }
  const hoverValue = hover && bigValues ? bigValues[hover.y * W + hover.x] : undefined;
  const bigLabel = focus === null ? 'Channel mean' : `Channel ${focus}`;
  const block = manifest.blocks.find((b) => b.index === features.block);
  return (
    <section className="feature-maps" aria-label="Feature maps" aria-busy={status === 'loading'}>
      <h3 data-testid="maps-title" data-key={features.key}>
        Block {features.block}
        {block ? ` (${block.stage})` : ''}: {C} channels × {H}×{W}
        {block?.module ? <span className="block-name"> · {block.module}</span> : null}
        <span className="muted maps-time">
          {' '}
          {status === 'loading'
            ? 'updating…'
            : `${features.ms.toFixed(0)} ms${features.fromCache ? ', from cache' : ''}`}
        </span>
      </h3>
      <FeatureControls />
      <ColorLegend name={view.colormap} range={bigRange} norm={view.norm} />
      <div className="overview">
        <figure>
          <div className="stack">
            {view.overlay && input && (
              <PixelCanvas
                rgba={input.rgba}
                width={input.S}
                height={input.S}
                label="Input image"
                className="big under"
              />
            )}
            {bigRgba && (
              <PixelCanvas
                rgba={bigRgba}
                width={W}
                height={H}
                label={`${bigLabel} of block ${features.block}`}
                className="big"
                onHover={setHover}
                testId="big-map"
              />
            )}
          </div>
          <figcaption>
            {bigLabel}
            {focus !== null && (
              <button
                type="button"
                className="link"
                onClick={() => useAppStore.getState().setExplorerView({ focus: null })}
              >
                show the mean
              </button>
            )}
            <output className="hover-value" data-testid="hover-value" aria-live="polite">
              {hover && hoverValue !== undefined
                ? `(${hover.x}, ${hover.y}) = ${hoverValue.toPrecision(4)}`
                : 'hover for values'}
            </output>
          </figcaption>
        </figure>
        {pca && (
          <figure>
            <PixelCanvas
              rgba={pca.rgba}
              width={W}
              height={H}
              label="PCA of the block to RGB"
              className="big"
              testId="pca-map"
            />
            <figcaption>
              PCA → RGB ({pca.explained.map((v) => `${(v * 100).toFixed(0)}%`).join(' / ')} of the
              variance)
            </figcaption>
          </figure>
        )}
      </div>
      <ChannelGrid
        data={data}
        dims={features.dims}
        stats={stats}
        order={order}
        norm={view.norm}
        colormap={view.colormap}
        global={global}
      />
    </section>
  );
}
