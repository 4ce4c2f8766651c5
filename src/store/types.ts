import type { JobsSlice } from './slices/jobs';
import type { NoticesSlice } from './slices/notices';
import type { RuntimeSlice } from './slices/runtime';
import type { ViewSlice } from './slices/view';

export type AppState = RuntimeSlice & NoticesSlice & JobsSlice & ViewSlice;
