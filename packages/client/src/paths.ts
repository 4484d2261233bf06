/** The API's paths (API-NOTES.md). Every path ends with a slash; the API redirects or 404s otherwise. */
export const SUBMIT_PATH = '/v1/3d-models/tripo/mesh-segmentation/';
export const WALLET_PATH = '/account/user/wallet/';

/** Status path of a task. The id is URL-encoded: it comes from a server or a journal, not from us. */
export function statusPath(taskId: string): string {
  return `/v1/generation-request/${encodeURIComponent(taskId)}/status/`;
}
