import type { StatusShape } from './options.js';
import type { TaskView } from './tasks.js';

/** One entry of `results` in either shape. */
export type StatusResult =
  | { asset: string; asset_type: '3D_MODEL'; metadata: null }
  | { asset_url: string; asset_type: '3D_MODEL'; thumbnail: string };

/** The JSON body of `GET /v1/generation-request/<id>/status/`. */
export interface StatusBody {
  status: string;
  progress: number;
  failure_reason: string | null;
  results: StatusResult[];
}

/** What shapes the body beyond the task's own state. */
export interface StatusBodyOptions {
  shape: StatusShape;
  storageUrl: string;
  taskId: string;
  /** Replace the status string (the `unknownStatus` option). */
  statusOverride?: string | undefined;
  /** Answer a FINISHED task with `results: []` (the `emptyResults` fault). */
  emptyResults?: boolean;
}

/**
 * Renders a task view as the API does. Results exist only once FINISHED; the documented shape uses
 * `asset` and `metadata: null`, the older one `asset_url` and `thumbnail` (and no `metadata`, which
 * clients must treat as optional).
 */
export function renderStatusBody(view: TaskView, options: StatusBodyOptions): StatusBody {
  const asset = `${options.storageUrl}/assets/${options.taskId}.glb`;
  let results: StatusResult[] = [];
  if (view.status === 'FINISHED' && !options.emptyResults) {
    results =
      options.shape === 'asset'
        ? [{ asset, asset_type: '3D_MODEL', metadata: null }]
        : [
            {
              asset_url: asset,
              asset_type: '3D_MODEL',
              thumbnail: `${options.storageUrl}/thumbnails/${options.taskId}.png`,
            },
          ];
  }
  return {
    status: options.statusOverride ?? view.status,
    progress: view.progress,
    failure_reason: view.status === 'FAILED' ? view.failureReason : null,
    results,
  };
}
