/** `client.wallet`: the credit balance. */
import { type ClientContext, withLifetime } from '../context.js';
import { InvalidResponseError } from '../errors.js';
import { isRecord } from '../json.js';
import { WALLET_PATH } from '../paths.js';
import type { RequestOptions } from './segmentation.js';

/** The wallet's `{ "balance": "150.00" }` as a number; undefined when it is not a finite number. */
export function parseBalance(body: unknown): number | undefined {
  if (!isRecord(body)) return undefined;
  const raw = body.balance;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : raw;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

export class Wallet {
  readonly #context: ClientContext;

  constructor(context: ClientContext) {
    this.#context = context;
  }

  /** The balance in credits. The API sends a decimal string ("150.00"); this returns a number. */
  async balance(options: RequestOptions = {}): Promise<number> {
    const body = await withLifetime(this.#context, options.signal, (signal) =>
      this.#context.transport.json({ method: 'GET', path: WALLET_PATH, ...options, signal }),
    );
    const balance = parseBalance(body);
    if (balance === undefined) {
      throw new InvalidResponseError('The wallet answer has no numeric "balance".', {
        request: { method: 'GET', url: this.#context.transport.url(WALLET_PATH).toString() },
      });
    }
    return balance;
  }
}
