import { useEffect } from 'react';
import { loadSavedHeads } from '../../engine/app';
import { readClasses } from '../../engine/app';
import { headBlockFor } from '../../engine/heads/train';
import { useAppStore } from '../../store';
import { ConditioningNote } from '../model/ConditioningNote';
import { HeadConfig } from './HeadConfig';
import { LiveClassify } from './LiveClassify';
import { SavedHeads } from './SavedHeads';
import { SweepSection } from './SweepSection';
import { TrainSection } from './TrainSection';
import { TrainSettings } from './TrainSettings';
import './heads.css';

/** Probe heads on frozen U-Net features: train one, sweep blocks × t, keep and use heads. */
export function HeadsPanel() {
  const manifest = useAppStore((s) => s.model.summary?.manifest ?? null);
  const diffusion = manifest?.kind === 'diffusion' ? manifest : null;
  const modelId = diffusion?.id;
  useEffect(() => {
    void loadSavedHeads();
  }, []);
  useEffect(() => {
    if (modelId) void readClasses();
  }, [modelId]);
  // Another model's blocks: keep the chosen block where it has one, else take its middle block.
  const block = useAppStore((s) => s.heads.block);
  const setHeads = useAppStore((s) => s.setHeads);
  useEffect(() => {
    if (!diffusion) return;
    const fit = headBlockFor(diffusion, block);
    if (fit !== block) setHeads({ block: fit });
  }, [diffusion, block, setHeads]);
  return (
    <section className="heads-panel" aria-labelledby="heading-heads">
      <h2 id="heading-heads">Heads</h2>
      <p className="lead">
        Train the paper’s heads on one block’s frozen features at one timestep, on the current
        dataset.
      </p>
      <ConditioningNote />
      {!diffusion && (
        <p className="error-text">Load a diffusion U-Net to train heads on its features.</p>
      )}
      <div className="heads-settings">
        <HeadConfig manifest={diffusion} />
        <TrainSettings />
      </div>
      <TrainSection disabled={!diffusion} />
      <SweepSection manifest={diffusion} />
      <SavedHeads />
      <LiveClassify manifest={diffusion} />
    </section>
  );
}
