import { useEffect } from 'react';
import { sliderMax, sliderToT, stepT, tToSlider } from '../../core/explorer/timestep';
import { useAppStore } from '../../store';

const POOLS = [0, 1, 2, 4, 8];

/** t over 0…T−1 (linear or log), play and step, the seed, the no-noise toggle and the pool. */
export function TimestepControls({ T }: { T: number }) {
  const sel = useAppStore((s) => s.explorer.selection);
  const playing = useAppStore((s) => s.explorer.playing);
  const featureStatus = useAppStore((s) => s.explorer.featureStatus);
  const select = useAppStore((s) => s.select);
  const setPlaying = useAppStore((s) => s.setPlaying);
  const { t, log, seed, noise, pool } = sel;

  // Play: the next timestep once the maps of this one are drawn, so nothing piles up.
  useEffect(() => {
    if (!playing || featureStatus === 'loading') return;
    if (t >= T - 1) {
      setPlaying(false);
      return;
    }
    const id = setTimeout(() => select({ t: stepT(t, T, log, 1) }), 120);
    return () => clearTimeout(id);
  }, [playing, featureStatus, t, T, log, select, setPlaying]);

  return (
    <fieldset className="timestep">
      <legend>Timestep</legend>
      <div className="timestep-row">
        <input
          type="range"
          className="t-slider"
          min={0}
          max={sliderMax(T, log)}
          value={tToSlider(t, T, log)}
          aria-label="Timestep t"
          aria-valuetext={`t = ${t}`}
          onChange={(e) => select({ t: sliderToT(Number(e.target.value), T, log) })}
        />
        <label>
          t{' '}
          <input
            type="number"
            min={0}
            max={T - 1}
            value={t}
            aria-label="Timestep value"
            onChange={(e) => {
              const v = Math.round(Number(e.target.value));
              if (Number.isFinite(v)) select({ t: Math.min(T - 1, Math.max(0, v)) });
            }}
          />
        </label>
        <span className="muted">of 0…{T - 1}</span>
      </div>
      <div className="timestep-row">
        <button
          type="button"
          aria-label="Step back"
          onClick={() => select({ t: stepT(t, T, log, -1) })}
        >
          ◀
        </button>
        <button
          type="button"
          aria-label={playing ? 'Pause' : 'Play through the timesteps'}
          onClick={() => {
            if (!playing && t >= T - 1) select({ t: 0 });
            setPlaying(!playing);
          }}
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button
          type="button"
          aria-label="Step forward"
          onClick={() => select({ t: stepT(t, T, log, 1) })}
        >
          ▶
        </button>
        <label>
          <input
            type="checkbox"
            checked={log}
            onChange={(e) => select({ log: e.target.checked })}
          />{' '}
          Log scale
        </label>
        <label>
          Seed{' '}
          <input
            type="number"
            min={0}
            value={seed}
            className="seed"
            onChange={(e) => {
              const v = Math.round(Number(e.target.value));
              if (Number.isSafeInteger(v) && v >= 0) select({ seed: v });
            }}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={noise === 'none'}
            onChange={(e) => select({ noise: e.target.checked ? 'none' : 'seeded' })}
          />{' '}
          No noise (the clean image at t)
        </label>
        <label>
          Pool{' '}
          <select value={pool} onChange={(e) => select({ pool: Number(e.target.value) })}>
            {POOLS.map((p) => (
              <option key={p} value={p}>
                {p === 0 ? 'full map' : `${p}×${p}`}
              </option>
            ))}
          </select>
        </label>
      </div>
    </fieldset>
  );
}
