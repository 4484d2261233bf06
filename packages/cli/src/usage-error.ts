import { PipelineUsageError } from './pipeline/errors.js';

/**
 * Bad usage or bad input found by the CLI itself (a missing file, an unreadable rename map, an
 * option that does not fit). A PipelineUsageError, so the one rule "a refusal before anything was
 * done is exit 2" covers the CLI's own checks and the pipeline's alike. Printed as one line.
 */
export class UsageError extends PipelineUsageError {
  override readonly name = 'UsageError';
}
