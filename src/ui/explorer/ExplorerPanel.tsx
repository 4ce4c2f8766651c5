import { useEffect, useMemo } from 'react';
import { makeSchedule } from '../../core/schedule';
import { startExplorer } from '../../engine/app';
import { useAppStore } from '../../store';
import { CorrespondenceSection } from '../correspondence/CorrespondenceSection';
import { ModelPanel } from '../model/ModelPanel';
import { FeatureMaps } from './FeatureMaps';
import { ImageSource } from './ImageSource';
import { NoisePreview } from './NoisePreview';
import { Samples } from './Samples';
import { TimestepControls } from './TimestepControls';
import { UnetDiagram } from './UnetDiagram';
import './explorer.css';

export function ExplorerPanel() {
  useEffect(() => startExplorer(), []);
  const manifest = useAppStore((s) => s.model.summary?.manifest ?? null);
  const block = useAppStore((s) => s.explorer.selection.block);
  const select = useAppStore((s) => s.select);
  const schedule = useMemo(
    () => (manifest?.schedule ? makeSchedule(manifest.schedule) : null),
    [manifest],
  );
  return (
    <div className="explorer">
      <ModelPanel />
      {manifest && manifest.kind === 'diffusion' && schedule ? (
        <>
          <section className="diagram" aria-labelledby="diagram-heading">
            <h2 id="diagram-heading">
              Blocks{' '}
              <span className="muted">(paper numbering; size ∝ channels, row = resolution)</span>
            </h2>
            <UnetDiagram
              blocks={manifest.blocks}
              selected={block}
              onSelect={(b) => select({ block: b })}
            />
          </section>
          <div className="explorer-grid">
            <div className="explorer-left">
              <TimestepControls T={schedule.T} />
              <NoisePreview manifest={manifest} schedule={schedule} />
              <ImageSource manifest={manifest} />
            </div>
            <FeatureMaps manifest={manifest} />
          </div>
          <Samples manifest={manifest} />
          <CorrespondenceSection manifest={manifest} />
        </>
      ) : (
        <p className="muted">
          {manifest
            ? 'This model is not a diffusion U-Net: the explorer needs one.'
            : 'Waiting for a model…'}
        </p>
      )}
    </div>
  );
}
