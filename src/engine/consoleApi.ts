import { maxRelativeError } from '../core/compare';
import { gaussianNoise } from '../core/noise';
import { pruneToOutputs, withOutputs } from '../core/onnx/edit';
import { parseModel } from '../core/onnx/model';
import { adaptiveAvgPool2d } from '../core/pool';
import { qSample } from '../core/qsample';
import { makeSchedule } from '../core/schedule';
import type { BackendPreference } from '../protocol/model';
import { createUnetBridge } from './workers/create';
import { UnetEngine } from './workers/unetEngine';

/**
 * `window.diffprobe` in the browser console: the same engine and core functions the app uses,
 * for researchers who want numbers without clicking (and for the browser tests).
 */
export interface ConsoleApi {
  createEngine(preference?: BackendPreference): UnetEngine;
  core: {
    adaptiveAvgPool2d: typeof adaptiveAvgPool2d;
    gaussianNoise: typeof gaussianNoise;
    makeSchedule: typeof makeSchedule;
    maxRelativeError: typeof maxRelativeError;
    qSample: typeof qSample;
    onnx: {
      parseModel: typeof parseModel;
      withOutputs: typeof withOutputs;
      pruneToOutputs: typeof pruneToOutputs;
    };
  };
}

declare global {
  var diffprobe: ConsoleApi | undefined;
}

export function installConsoleApi(): void {
  globalThis.diffprobe = {
    createEngine: (preference = 'auto') => new UnetEngine(createUnetBridge(), preference),
    core: {
      adaptiveAvgPool2d,
      gaussianNoise,
      makeSchedule,
      maxRelativeError,
      qSample,
      onnx: { parseModel, withOutputs, pruneToOutputs },
    },
  };
}
