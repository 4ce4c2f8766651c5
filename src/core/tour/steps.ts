/**
 * The classroom tour: the paper's story in six steps on the built-in model and the demo set.
 * Each step names the panel it opens and what it sets there; the engine (src/engine/tour/)
 * drives the real panels, the UI (src/ui/tour/) shows the text. Pure data and parsing.
 */
import { TOUR_SETTINGS } from './data';

/** The app's panels a step can open (the store's PanelId). */
export type TourPanel = 'explorer' | 'datasets' | 'heads' | 'cka';

/** What a step shows beside its text (from tour.json, or live once recomputed). */
export type TourResult = 'none' | 'heads' | 'sweep' | 'cka';

export interface TourStep {
  id: string;
  title: string;
  /** Two or three plain sentences: what to look at and why it matters. */
  text: string[];
  panel: TourPanel;
  /** A CSS selector of the part of the panel the step is about (scrolled into view). */
  anchor: string;
  /** The explorer's block and timestep this step sets. */
  explorer?: { block: number; t: number };
  /** The heads panel's block and timestep (a linear head). */
  heads?: { block: number; t: number; pool: number };
  result: TourResult;
}

const H = TOUR_SETTINGS.heads;

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'noise',
    title: 'Noise an image',
    text: [
      'A diffusion model learns to remove noise. Move the timestep slider: x_t mixes the image with Gaussian noise, and the signal-to-noise ratio (SNR) falls as t grows.',
      'The paper feeds the U-Net one noised image x_t and its timestep t, and reads its features on the way: the model itself is never changed.',
    ],
    panel: 'explorer',
    anchor: 'fieldset.timestep',
    explorer: { block: 12, t: 300 },
    result: 'none',
  },
  {
    id: 'block',
    title: 'What a block sees',
    text: [
      'The diagram shows the U-Net’s blocks, numbered as in the paper (encoder, middle, then decoder); block 12, one of the first decoder blocks after the bottleneck, is selected.',
      'The heatmaps are its channels for this image at t = 90. Click other blocks: early blocks keep edges and pixels, later ones respond to whole parts of the garment.',
    ],
    panel: 'explorer',
    anchor: '.diagram',
    explorer: { block: 12, t: 90 },
    result: 'none',
  },
  {
    id: 'heads',
    title: 'A linear head on two blocks',
    text: [
      `Train the same linear head (pool ${H.pool}×${H.pool}, t = ${H.t}) on the frozen features of an early block and of a first decoder block.`,
      `The head on block ${H.blocks[1]} classifies far better than the one on block ${H.blocks[0]}: the U-Net, trained only to denoise, has learned features that name the class.`,
    ],
    panel: 'heads',
    anchor: '.heads-settings',
    heads: { block: H.blocks[1], t: H.t, pool: H.pool },
    result: 'heads',
  },
  {
    id: 'sweep',
    title: 'Every block at every timestep',
    text: [
      'The heatmap is a linear probe’s test accuracy for every block (rows) and timestep (columns). Its two curves are the paper’s: accuracy against block at the best t, and against t at the best block.',
      'Accuracy peaks in the first decoder blocks and at a small t; too much noise destroys the image, and the last blocks serve the pixels again.',
    ],
    panel: 'heads',
    anchor: '.heads-sweep-view',
    result: 'sweep',
  },
  {
    id: 'cka',
    title: 'CKA and the X',
    text: [
      'CKA measures how alike two blocks’ features are on the same images: 1 is the same up to rotation and scale, 0 unrelated.',
      'Look for the X: besides the diagonal, the first encoder blocks are bright against the last decoder blocks, their mirrors, which the skip connections feed; the blocks around the bottleneck are unlike both.',
    ],
    panel: 'cka',
    anchor: '.cka-views',
    result: 'cka',
  },
  {
    id: 'yours',
    title: 'Now try your own images',
    text: [
      'Import a folder or zip of your own images (one folder per class), or take photos with the webcam; everything stays on this computer.',
      'Then train a head and run the sweep on them: does the best block move? The paper found that the best block and t differ from dataset to dataset.',
    ],
    panel: 'datasets',
    anchor: '#panel',
    result: 'none',
  },
];

/** A 0-based step from the URL's `?tour=k` (1-based), or null when absent or not a step. */
export function stepFromSearch(search: string, count = TOUR_STEPS.length): number | null {
  const raw = new URLSearchParams(search).get('tour');
  if (raw === null || !/^\d{1,3}$/.test(raw)) return null;
  const k = Number(raw);
  return k >= 1 && k <= count ? k - 1 : null;
}

/** The query string with `tour` set to step k (0-based, shown 1-based) or removed; other
 * parameters are kept. */
export function searchWithStep(search: string, step: number | null): string {
  const p = new URLSearchParams(search);
  if (step === null) p.delete('tour');
  else p.set('tour', String(step + 1));
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** The step after a key press (ArrowLeft / ArrowRight), kept inside the tour; null: no move. */
export function stepAfterKey(step: number, key: string, count = TOUR_STEPS.length): number | null {
  if (key === 'ArrowRight') return Math.min(step + 1, count - 1);
  if (key === 'ArrowLeft') return Math.max(step - 1, 0);
  return null;
}
