import type { CkaSlice } from './slices/cka';
import type { ConditioningSlice } from './slices/conditioning';
import type { CorrespondenceSlice } from './slices/correspondence';
import type { DatasetsSlice } from './slices/datasets';
import type { ExplorerSlice } from './slices/explorer';
import type { HeadsSlice } from './slices/heads';
import type { JobsSlice } from './slices/jobs';
import type { ModelSlice } from './slices/model';
import type { NoticesSlice } from './slices/notices';
import type { RuntimeSlice } from './slices/runtime';
import type { TourSlice } from './slices/tour';
import type { ViewSlice } from './slices/view';

export type AppState = RuntimeSlice &
  NoticesSlice &
  JobsSlice &
  ViewSlice &
  ModelSlice &
  ExplorerSlice &
  DatasetsSlice &
  HeadsSlice &
  CkaSlice &
  CorrespondenceSlice &
  TourSlice &
  ConditioningSlice;
