import { describe, expect, it } from 'vitest';
import { modelFilesOfFolder } from './modelFolder';

describe('modelFilesOfFolder', () => {
  it('keeps the graph, the manifest and the weights of a shipped model folder', () => {
    expect(
      modelFilesOfFolder([
        'fmnist-adm-s/README.md',
        'fmnist-adm-s/manifest.json',
        'fmnist-adm-s/model.onnx',
        'fmnist-adm-s/probe.json',
        'fmnist-adm-s/probe.md',
        'fmnist-adm-s/samples.png',
      ]),
    ).toEqual(['fmnist-adm-s/manifest.json', 'fmnist-adm-s/model.onnx']);
  });

  it('keeps external weights, and a lone .json as the manifest; drops hidden files', () => {
    expect(
      modelFilesOfFolder([
        'adm/model.onnx',
        'adm/model.onnx.data',
        'adm/adm.json',
        'adm/.DS_Store',
      ]),
    ).toEqual(['adm/model.onnx', 'adm/model.onnx.data', 'adm/adm.json']);
    expect(modelFilesOfFolder(['m/model.onnx', 'm/weights'])).toEqual([
      'm/model.onnx',
      'm/weights',
    ]);
  });

  it('without manifest.json among several .json files, keeps none of them', () => {
    expect(modelFilesOfFolder(['m/model.onnx', 'm/a.json', 'm/b.json'])).toEqual(['m/model.onnx']);
  });
});
