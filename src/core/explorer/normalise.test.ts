import { describe, expect, it } from 'vitest';
import {
  blockRange,
  channelMean,
  channelRange,
  channelStats,
  orderChannels,
  pageOf,
  symmetric,
  widenRange,
} from './normalise';

// 3 channels × 4 positions
const data = [1, 1, 1, 1, 0, 2, 0, 2, -4, 0, 4, 0];
const stats = channelStats(data, 3, 4);

describe('block statistics and colour ranges', () => {
  it('computes mean, variance, min and max per channel', () => {
    expect(stats[0]).toEqual({ mean: 1, variance: 0, min: 1, max: 1 });
    expect(stats[1]).toEqual({ mean: 1, variance: 1, min: 0, max: 2 });
    expect(stats[2]).toEqual({ mean: 0, variance: 8, min: -4, max: 4 });
    expect(() => channelStats(data, 2, 4)).toThrow(RangeError);
  });
  it('normalises per channel, per block or globally', () => {
    expect(channelRange('channel', stats, 1, null)).toEqual({ lo: 0, hi: 2 });
    expect(channelRange('block', stats, 1, null)).toEqual({ lo: -4, hi: 4 });
    expect(channelRange('global', stats, 1, { lo: -9, hi: 10 })).toEqual({ lo: -9, hi: 10 });
    // no global range yet: the block's
    expect(channelRange('global', stats, 1, null)).toEqual(blockRange(stats));
    expect(widenRange({ lo: -1, hi: 1 }, { lo: -4, hi: 0.5 })).toEqual({ lo: -4, hi: 1 });
    expect(symmetric({ lo: -1, hi: 3 })).toEqual({ lo: -3, hi: 3 });
  });
  it('sorts channels by variance, and pages them', () => {
    expect(orderChannels(stats, 'variance')).toEqual([2, 1, 0]);
    expect(orderChannels(stats, 'index')).toEqual([0, 1, 2]);
    const order = Array.from({ length: 300 }, (_, i) => i);
    expect(pageOf(order, 0, 128)).toMatchObject({ page: 0, pages: 3 });
    expect(pageOf(order, 2, 128).items).toEqual(order.slice(256));
    expect(pageOf(order, 9, 128).page).toBe(2);
    expect(pageOf([], 0, 10)).toEqual({ items: [], page: 0, pages: 1 });
  });
  it('averages over channels', () => {
    expect(Array.from(channelMean(data, 3, 4))).toEqual([-1, 1, 5 / 3, 1].map(Math.fround));
  });
});
