/**
 * The resource namespaces of StudioClient, one per API area, Stainless-style: `segmentation` (the paid
 * submission), `tasks` (status and waiting) and `wallet` (credits). Each takes the client's shared
 * context (transport, rate limiter, poll statistics); none holds state of its own.
 */
export {
  type ModelUpload,
  type ModelUrlInput,
  type RequestOptions,
  Segmentation,
  type SegmentationInput,
} from './segmentation.js';
export { Tasks, WAIT_DEFAULTS, type WaitOptions } from './tasks.js';
export { parseBalance, Wallet } from './wallet.js';
