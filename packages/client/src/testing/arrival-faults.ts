import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultContext } from './faults.js';
import { sendRateLimited } from './rate-limited.js';
import { defaultCode, drain, sendError, sendHtml } from './responses.js';
import { formatRetryAfter } from './retry-after.js';
import type { EmulatorState } from './state.js';

/**
 * Applies the arrival fault due for this request, if any (on either origin). Returns true when the
 * fault answered (or killed) the request; a `delay` only holds it and returns false so it is then
 * served normally. Bodies are drained before an answer (not before a reset, which is meant to break
 * the upload).
 */
export async function applyArrivalFault(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  context: FaultContext,
): Promise<boolean> {
  const fault = state.faults.take('arrival', context);
  if (!fault) return false;
  state.logger.debug(`fault ${fault.kind}`, { ...context });
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return true;
    case 'html':
      await drain(req);
      sendHtml(res, fault.status ?? 502);
      return true;
    case 'status': {
      await drain(req);
      if (fault.status === 429) state.stats.rateLimited++;
      const retryAfter = formatRetryAfter(
        fault.retryAfter ?? 'none',
        fault.retryAfterSeconds ?? 1,
        state.options.now(),
      );
      sendError(
        res,
        state.options,
        {
          status: fault.status,
          code: fault.code ?? defaultCode(fault.status),
          message: fault.message ?? `Injected ${fault.status} error`,
        },
        retryAfter === undefined ? {} : { 'retry-after': retryAfter },
      );
      return true;
    }
    case 'rateLimit':
      await drain(req);
      sendRateLimited(state, res, fault.retryAfter ?? 'seconds', fault.retryAfterSeconds ?? 1);
      return true;
    case 'delay': {
      // Held as a proxy in front of the API would hold it. A client that closed its connection in the
      // meantime (killed, timed out) never reaches the application, as with nginx's default
      // proxy_ignore_client_abort off: the request is dropped, nothing is created or charged.
      let left = req.socket.destroyed || req.socket.readableEnded;
      const onGone = () => {
        left = true;
      };
      req.socket.once('end', onGone).once('close', onGone);
      try {
        await state.sleep(fault.ms);
        // A client killed just before the delay ended has its connection closed by the kernel, but the
        // event waits behind this timer in the loop: let pending socket events in before deciding.
        // (Without this, the crash test's kills at the end of a delay made tasks for dead clients under
        // load: an unknown outcome the test does not aim at.)
        await new Promise<void>((resolve) => setImmediate(resolve));
        await state.sleep(Math.min(fault.ms, 20));
      } finally {
        req.socket.off('end', onGone).off('close', onGone);
      }
      if (!left && !req.socket.destroyed) return false;
      req.socket.destroy();
      return true;
    }
    default:
      return false;
  }
}
