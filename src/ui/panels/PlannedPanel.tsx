import type { PanelId } from '../../store/slices/view';
import { PANEL_TITLES } from '../PanelNav';

const PLANS: Record<Exclude<PanelId, 'system'>, { lead: string; points: string[] }> = {
  explorer: {
    lead: 'Pick a block on the U-Net and a timestep t; see the noised input and that block’s feature maps.',
    points: [
      'The U-Net drawn as blocks in the paper’s numbering: encoder down, middle, decoder up.',
      'A timestep slider with the image at x₀ and x_t and the signal-to-noise ratio at t.',
      'Per-channel heatmaps, the channel mean and a PCA-to-RGB map of the whole block.',
    ],
  },
  datasets: {
    lead: 'Bring your own images: a folder of class folders, a zip, or the built-in Fashion-MNIST demo set.',
    points: [
      'Decoding and resizing in a worker; a seeded, stratified train/test split.',
      'Kept in your browser’s storage; nothing is uploaded anywhere.',
    ],
  },
  heads: {
    lead: 'Train the paper’s linear, MLP, CNN and attention heads on frozen block features.',
    points: [
      'Live loss and accuracy curves, a confusion matrix and the misclassified images.',
      'A sweep over blocks × timesteps, drawn as a heatmap with the best cell marked.',
    ],
  },
  cka: {
    lead: 'Compare representations with centered kernel alignment (CKA).',
    points: [
      'Block × block, timestep × timestep, and diffusion blocks × a supervised CNN’s layers.',
      'A 2-D map of a block’s features coloured by class.',
    ],
  },
};

export function PlannedPanel({ panel }: { panel: Exclude<PanelId, 'system'> }) {
  const plan = PLANS[panel];
  return (
    <section aria-labelledby={`heading-${panel}`}>
      <h2 id={`heading-${panel}`}>{PANEL_TITLES[panel]}</h2>
      <p className="lead">{plan.lead}</p>
      <ul>
        {plan.points.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p className="muted">This panel is being built.</p>
    </section>
  );
}
