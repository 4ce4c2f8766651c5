import { describe, expect, it } from 'vitest';
import { fitDescription } from './imageFit';

describe('fit description', () => {
  it('says how an image became the model input', () => {
    expect(fitDescription(28, 28, 1, 32, 1, 'crop')).toBe('28×28 padded (centred, black) to 32×32');
    expect(fitDescription(32, 32, 1, 32, 1, 'crop')).toBe("32×32, already the model's size");
    expect(fitDescription(640, 480, 3, 32, 1, 'crop')).toBe(
      '640×480: centre 480×480 cropped, resized to 32×32; colour → grey (BT.601 luma)',
    );
    expect(fitDescription(640, 480, 4, 32, 3, 'pad')).toBe(
      '640×480 resized to 32×24, padded to 32×32; transparency over black',
    );
    expect(fitDescription(100, 100, 1, 32, 3, 'crop')).toBe('100×100 resized to 32×32; grey → RGB');
  });
});
