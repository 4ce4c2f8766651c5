import type { DiffusionManifest } from '../../core/manifest/types';
import type { AppState } from '../../store';

export type { DiffusionManifest } from '../../core/manifest/types';

/**
 * The loaded model's manifest if it is a diffusion U-Net, else the reason, in the user's words,
 * why `feature` cannot run on it.
 */
export function diffusionManifestOrReason(
  state: AppState,
  feature: string,
): DiffusionManifest | string {
  const manifest = state.model.summary?.manifest;
  if (!manifest) return 'Load a diffusion U-Net with a manifest first.';
  if (manifest.kind !== 'diffusion' || !manifest.schedule)
    return `${feature} on a diffusion U-Net’s features; the loaded model is not one.`;
  return manifest as DiffusionManifest;
}

/** The loaded model's manifest if it is a diffusion U-Net; throws the reason otherwise. */
export function requireDiffusionManifest(state: AppState, message: string): DiffusionManifest {
  const manifest = state.model.summary?.manifest;
  if (!manifest || manifest.kind !== 'diffusion' || !manifest.schedule) throw new Error(message);
  return manifest as DiffusionManifest;
}
