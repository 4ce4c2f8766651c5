import { useEffect } from 'react';
import { refreshDatasets } from '../../engine/app';
import { DatasetList } from './DatasetList';
import { DatasetView } from './DatasetView';
import { ImportProgressBar } from './ImportProgressBar';
import { ImportSettings } from './ImportSettings';
import { ImportSources } from './ImportSources';
import { WebcamCapture } from './WebcamCapture';
import './datasets.css';

/** Datasets: bring images in (folder, zip, demo, webcam), keep several, pick the one to use. */
export function DatasetsPanel() {
  useEffect(() => {
    void refreshDatasets();
  }, []);
  return (
    <div className="ds-panel">
      <h2>Datasets</h2>
      <ImportSources />
      <ImportSettings />
      <WebcamCapture />
      <ImportProgressBar />
      <DatasetList />
      <DatasetView />
    </div>
  );
}
