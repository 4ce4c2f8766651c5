/**
 * The app's engine: its workers, wired to the app's one store, and each feature's controller
 * made once. The UI imports what it calls from here; every controller takes the store and its
 * workers as parameters (see docs/decisions.md), so tests build their own with fakes.
 */
import { useAppStore } from '../store';
import { installCkaConsole } from './cka/console';
import { compareModel } from './cka/compare';
import { createCkaMap } from './cka/map';
import { createCkaController } from './cka/run';
import { createCorrespondence } from './correspondence/match';
import { createCorrespondenceSweep } from './correspondence/sweep';
import { currentDataset, installDatasetsConsole } from './datasets/access';
import { createDatasetsController } from './datasets/actions';
import { activeConditioning, createConditioningControls } from './conditioning/controls';
import { createExplorerFeatures } from './explorer/features';
import { createExplorerImages, decodeFile } from './explorer/images';
import { createSamples } from './explorer/samples';
import { createExplorerStart } from './explorer/start';
import { installHeadsConsole } from './heads/console';
import { createHeadLibrary } from './heads/library';
import { headsStorage } from './heads/storage';
import { createHeadTrainer } from './heads/train';
import { createModelLoader } from './model/load';
import { createBlockReview } from './model/review';
import {
  cacheErrorNotice,
  createRuntimeController,
  runtimeEvents,
  storedPreference,
} from './model/runtime';
import { createSweepController } from './sweep/run';
import { createTourController, fetchTourData } from './tour/controller';
import { startTourUrl } from './tour/tourUrl';
import { CkaEngine } from './workers/ckaEngine';
import { createHeadsBridge, createUnetBridge } from './workers/create';
import { datasetEngine } from './workers/datasetEngine';
import { HeadsEngine, headsPreference } from './workers/headsEngine';
import { UnetEngine } from './workers/unetEngine';

export { userMessage } from './workers/errors';

const store = useAppStore;

/** The app's one model runtime: crashes and restarts show in the UI. */
export const unetEngine = new UnetEngine(
  createUnetBridge(runtimeEvents(store)),
  storedPreference(),
);
unetEngine.onCacheError = cacheErrorNotice(store);
unetEngine.conditioning = () => activeConditioning(store.getState());
/** The class picker, the own-label toggle and the context file (model panel). */
export const conditioningControls = createConditioningControls(store);

/** The app's heads worker (tfjs): a crash shows as a notice. */
const headsEngine = new HeadsEngine(
  createHeadsBridge({ onCrash: (error) => store.getState().notify('error', error.message) }),
  headsPreference(),
);

const ckaEngine = new CkaEngine();
const dataset = currentDataset;

export const { startRuntime, chooseBackend } = createRuntimeController({
  store,
  engine: unetEngine,
});

export const { loadModel, loadModelFiles, loadBuiltinModel } = createModelLoader({
  store,
  engine: unetEngine,
});

/** The blocks proposed for an .onnx without a manifest, to review and rename before loading. */
export const reviewModelFiles = createBlockReview(unetEngine);

const samples = createSamples({ store, engine: unetEngine });
export const { generateSamples, cancelSamples } = samples;
const images = createExplorerImages({ store, dataset, sampleImage: samples.sampleImage });
export const { explorerDataset, showImage, openImageFile, refitImageFile, fileFitMode } = images;
const features = createExplorerFeatures({ store, engine: unetEngine });
export const startExplorer = createExplorerStart({ store, images, features });

const corr = { store, engine: unetEngine, dataset: images.explorerDataset };
const correspondence = createCorrespondence({ ...corr, decode: decodeFile });
export const { probe: probeCorrespondence, openTargetFile } = correspondence;
export const startCorrespondence = correspondence.start;
const corrSweep = createCorrespondenceSweep(corr);
export const { run: runCorrespondenceSweep, cancel: cancelCorrespondenceSweep } = corrSweep;

export const {
  refreshDatasets,
  selectDataset,
  importDataset,
  cancelImport,
  renameClass,
  includeClass,
  setSplit,
  renameDataset,
  deleteDataset,
} = createDatasetsController({ store, engine: datasetEngine });

/** Some stored images of each class, for the dataset view. */
export const classThumbnails = (id: string, perClass: number) =>
  datasetEngine.thumbnails(id, perClass);

const heads = { store, unet: unetEngine, heads: headsEngine, storage: headsStorage };
export const { trainCurrentHead, cancelTraining, readClasses } = createHeadTrainer({
  ...heads,
  dataset,
});
export const { loadSavedHeads, exportHead, importHead, deleteHead, classifyImage } =
  createHeadLibrary(heads);

const sweep = createSweepController({ store, unet: unetEngine, heads: headsEngine, dataset });
export const { runSweep, cancelSweep } = sweep;

const cka = createCkaController({
  store,
  unet: unetEngine,
  cka: ckaEngine,
  dataset,
  compare: compareModel,
});
export const { runCka, cancelCka, keptItem } = cka;
export const { showCkaMap, cancelCkaMap } = createCkaMap({ store, cka: ckaEngine, kept: cka.kept });

installDatasetsConsole();
installHeadsConsole(sweep);
installCkaConsole({ store, unet: unetEngine, dataset });

const tour = createTourController({
  store,
  fetchData: fetchTourData,
  live: { trainHead: trainCurrentHead, runSweep: () => runSweep(), runCka: () => runCka() },
});
export const { startTour, goTo: goToTourStep, next: nextTourStep, back: backTourStep } = tour;
export const { closeTour, recomputeLive } = tour;
/** Opens the tour at the URL's `?tour=k` and keeps the URL following it. */
export const startTourFromUrl = () => startTourUrl(store, tour.startTour);
