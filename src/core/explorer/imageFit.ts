/** Says, in words, how a user's image was fitted to the model's input. */
import { fitGeometry, type FitMode } from '../image/prepare';

export function fitDescription(
  width: number,
  height: number,
  sourceChannels: number,
  size: number,
  channels: 1 | 3,
  mode: FitMode,
): string {
  const parts: string[] = [];
  if (width <= size && height <= size) {
    parts.push(
      width === size && height === size
        ? `${width}×${height}, already the model's size`
        : `${width}×${height} padded (centred, black) to ${size}×${size}`,
    );
  } else if (mode === 'crop') {
    const g = fitGeometry(width, height, size, 'crop');
    const side = Math.round(g.x1 - g.x0);
    parts.push(
      width === height
        ? `${width}×${height} resized to ${size}×${size}`
        : `${width}×${height}: centre ${side}×${side} cropped, resized to ${size}×${size}`,
    );
  } else {
    const g = fitGeometry(width, height, size, 'pad');
    parts.push(`${width}×${height} resized to ${g.width}×${g.height}, padded to ${size}×${size}`);
  }
  const hasColour = sourceChannels >= 3;
  if (channels === 1 && hasColour) parts.push('colour → grey (BT.601 luma)');
  if (channels === 3 && !hasColour) parts.push('grey → RGB');
  if (sourceChannels === 2 || sourceChannels === 4) parts.push('transparency over black');
  return parts.join('; ');
}
