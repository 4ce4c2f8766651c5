import { useState } from 'react';
import { defaultSpec, describeSpec, paramCount, POOL_SIZES } from '../../core/heads/spec';
import type { HeadKind, HeadSpec } from '../../core/heads/spec';
import type { ModelManifest } from '../../core/manifest/types';
import { useAppStore } from '../../store';
import { LiveNumberField, parseList } from './LiveNumberField';

const KINDS: { kind: HeadKind; label: string }[] = [
  { kind: 'linear', label: 'A · Linear' },
  { kind: 'mlp', label: 'B · MLP' },
  { kind: 'cnn', label: 'C · CNN' },
  { kind: 'attention', label: 'D · Attention' },
];

function ListField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: number[];
  onChange: (v: number[]) => void;
}) {
  const [text, setText] = useState(value.join(', '));
  return (
    <label className="heads-field">
      <span>{label}</span>
      <input
        type="text"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const v = parseList(e.target.value);
          if (v) onChange(v);
        }}
      />
    </label>
  );
}

function KindFields({ spec, set }: { spec: HeadSpec; set: (s: HeadSpec) => void }) {
  switch (spec.kind) {
    case 'linear':
      return null;
    case 'mlp':
      return (
        <ListField
          label="Hidden widths"
          value={spec.hidden}
          onChange={(hidden) => set({ ...spec, hidden })}
        />
      );
    case 'cnn':
      return (
        <>
          <ListField
            label="Conv channels"
            value={spec.channels}
            onChange={(channels) => set({ ...spec, channels })}
          />
          <LiveNumberField
            label="Kernel"
            value={spec.kernel}
            step={2}
            min={1}
            max={7}
            onChange={(kernel) => set({ ...spec, kernel })}
          />
        </>
      );
    case 'attention':
      return (
        <>
          <LiveNumberField
            label="Width"
            value={spec.width}
            step={8}
            min={8}
            onChange={(width) => set({ ...spec, width })}
          />
          <LiveNumberField
            label="Blocks"
            value={spec.depth}
            step={1}
            min={1}
            max={12}
            onChange={(depth) => set({ ...spec, depth })}
          />
          <LiveNumberField
            label="Attention heads"
            value={spec.heads}
            step={1}
            min={1}
            onChange={(heads) => set({ ...spec, heads })}
          />
          <LiveNumberField
            label="MLP ratio"
            value={spec.mlpRatio}
            step={1}
            min={1}
            max={16}
            onChange={(mlpRatio) => set({ ...spec, mlpRatio })}
          />
        </>
      );
  }
}

/** Which head, on which block and timestep; its parameter count before training. */
export function HeadConfig({ manifest }: { manifest: ModelManifest | null }) {
  const { spec, block, t, classes: names } = useAppStore((s) => s.heads);
  const setHeads = useAppStore((s) => s.setHeads);
  const blocks = manifest?.blocks ?? [];
  const info = blocks.find((b) => b.index === block);
  const classes = names?.length ?? 0;
  let count: string;
  try {
    count =
      info && classes >= 2 ? paramCount(spec, info.channels, classes).toLocaleString('en') : '—';
  } catch (err) {
    count = `invalid: ${(err as Error).message}`;
  }
  const set = (s: HeadSpec) => setHeads({ spec: s });
  return (
    <fieldset className="heads-config">
      <legend>Head</legend>
      <label className="heads-field">
        <span>Head</span>
        <select
          value={spec.kind}
          data-testid="head-kind"
          onChange={(e) => set(defaultSpec(e.target.value as HeadKind, spec.pool))}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label className="heads-field">
        <span>Pool p×p</span>
        <select value={spec.pool} onChange={(e) => set({ ...spec, pool: Number(e.target.value) })}>
          {POOL_SIZES.map((p) => (
            <option key={p} value={p}>
              {p}×{p}
            </option>
          ))}
        </select>
      </label>
      <KindFields key={spec.kind} spec={spec} set={set} />
      <label className="heads-field">
        <span>Block</span>
        <select
          value={block}
          data-testid="head-block"
          onChange={(e) => setHeads({ block: Number(e.target.value) })}
        >
          {blocks.map((b) => (
            <option key={b.index} value={b.index}>
              {b.index} · {b.stage} · {b.channels}×{b.height}×{b.width}
            </option>
          ))}
        </select>
      </label>
      <LiveNumberField
        label="Timestep t"
        value={t}
        step={1}
        min={0}
        testId="head-t"
        onChange={(v) => setHeads({ t: v })}
      />
      <p className="heads-params" data-testid="head-params">
        {describeSpec(spec)} on block {block} (
        {info ? `${info.channels}×${spec.pool}×${spec.pool}` : '?'} inputs, {classes} classes):{' '}
        <strong>{count}</strong> parameters
      </p>
    </fieldset>
  );
}
