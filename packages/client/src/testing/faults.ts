import type { RetryAfterForm } from './retry-after.js';

/** Which requests a rule applies to. Every given field must match. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** A path prefix (e.g. `/v1/generation-request/`) or a RegExp tested against the path. */
  path?: string | RegExp;
  /**
   * Which origin's requests a generic rule (`reset`, `html`, `status`, `rateLimit`, `delay`) watches;
   * default `api`. The other kinds have a fixed place and ignore this.
   */
  origin?: 'api' | 'storage';
}

/** Fields every rule has. */
export interface FaultRuleBase {
  match?: FaultMatch;
  /** How many requests the rule fires on before it is used up (default 1; `Infinity` for always). */
  times?: number;
  /** Let the first `after` matching requests through untouched (default 0). */
  after?: number;
}

/** Destroys the socket without a response (the client sees ECONNRESET / "other side closed"). */
export interface ResetFault extends FaultRuleBase {
  kind: 'reset';
}

/** Answers an HTML error page, as a proxy in front of the API would (default status 502). */
export interface HtmlFault extends FaultRuleBase {
  kind: 'html';
  status?: 413 | 500 | 502 | 503 | 504;
}

/** Answers any status with a JSON error body in the configured shape. */
export interface StatusFault extends FaultRuleBase {
  kind: 'status';
  status: number;
  /** Default: a code that fits the status (e.g. INTERNAL_ERROR for 5xx). */
  code?: string;
  message?: string;
  /** Adds a Retry-After header (default none). */
  retryAfter?: RetryAfterForm;
  /** The wait Retry-After announces (default 1). */
  retryAfterSeconds?: number;
}

/** Answers 429 RATE_LIMITED whatever the budget says. */
export interface RateLimitFault extends FaultRuleBase {
  kind: 'rateLimit';
  /** Default `seconds`. */
  retryAfter?: RetryAfterForm;
  /** Default 1. */
  retryAfterSeconds?: number;
}

/** A status poll of a FINISHED task answers `results: []` (only finished polls count as matching). */
export interface EmptyResultsFault extends FaultRuleBase {
  kind: 'emptyResults';
}

/**
 * A storage download sends the right `Content-Length` but only `fraction` of the bytes (default 0.5),
 * then destroys the socket.
 */
export interface TruncateFault extends FaultRuleBase {
  kind: 'truncate';
  fraction?: number;
}

/**
 * A storage download is sent chunked (no `Content-Length`) and cut after `fraction` of the bytes
 * (default 0.5). By default the chunked body then ends cleanly, so only the GLB header's length can
 * reveal the loss; `abrupt: true` destroys the socket instead.
 */
export interface TruncateNoLengthFault extends FaultRuleBase {
  kind: 'truncateNoLength';
  fraction?: number;
  abrupt?: boolean;
}

/**
 * The submission is processed fully (task created, credits deducted, counted in stats) and then the
 * socket is destroyed without a response: the client cannot know the task exists.
 */
export interface AcceptThenDropFault extends FaultRuleBase {
  kind: 'acceptThenDrop';
}

/** The next task created ends FAILED (with `reason`) at its normal end time; credits are refunded. */
export interface FailFault extends FaultRuleBase {
  kind: 'fail';
  reason?: string;
}

/** The next task created finishes with results that have already expired on storage. */
export interface ExpireFault extends FaultRuleBase {
  kind: 'expire';
}

/** Holds the request `ms` milliseconds, then answers it normally. */
export interface DelayFault extends FaultRuleBase {
  kind: 'delay';
  ms: number;
}

/** One fault-injection rule. Rules are consumed in the order given. */
export type FaultRule =
  | ResetFault
  | HtmlFault
  | StatusFault
  | RateLimitFault
  | EmptyResultsFault
  | TruncateFault
  | TruncateNoLengthFault
  | AcceptThenDropFault
  | FailFault
  | ExpireFault
  | DelayFault;

export type FaultKind = FaultRule['kind'];

/** Where in the request's life a rule is consulted. */
export type FaultPoint =
  /** As a request arrives on either origin, before auth: `reset`, `html`, `status`, `rateLimit`, `delay`. */
  | 'arrival'
  /** When a submission has created its task: `fail`, `expire` (its fate) and `acceptThenDrop` (its answer). */
  | 'created'
  /** A status poll of a finished task: `emptyResults`. */
  | 'finishedPoll'
  /** A storage request for a result's bytes: `truncate`, `truncateNoLength`. */
  | 'asset';

const KINDS_AT: Record<FaultPoint, readonly FaultKind[]> = {
  arrival: ['reset', 'html', 'status', 'rateLimit', 'delay'],
  created: ['fail', 'expire', 'acceptThenDrop'],
  finishedPoll: ['emptyResults'],
  asset: ['truncate', 'truncateNoLength'],
};

/** The request a rule is matched against. */
export interface FaultContext {
  origin: 'api' | 'storage';
  method: string;
  path: string;
}

/** What the fault rules match a request on: its origin, upper-case method and path (no query). */
export function faultContextOf(
  origin: FaultContext['origin'],
  req: { method?: string; url?: string },
): FaultContext {
  const method = (req.method ?? 'GET').toUpperCase();
  const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
  return { origin, method, path };
}

interface RuleState {
  rule: FaultRule;
  /** Matching requests seen so far (whether or not this rule fired on them). */
  seen: number;
  fired: number;
}

/**
 * The fault rules of one emulator and how far each is used. A request is offered to every rule of the
 * kinds consulted at that point, in list order; each matching rule counts it (for `after`), and the
 * first one that is past its `after` and not used up fires. At `created` the three kinds are independent
 * (a task can be both `fail` and `acceptThenDrop`), so they are taken one kind at a time.
 */
export class FaultPlan {
  readonly #rules: RuleState[];
  readonly #fired = new Map<FaultKind, number>();

  constructor(rules: readonly FaultRule[]) {
    this.#rules = rules.map((rule) => {
      validateRule(rule);
      return { rule, seen: 0, fired: 0 };
    });
  }

  /** The rule of one of `kinds` (all kinds of `point` by default) that fires on this request, if any. */
  take<K extends FaultKind>(
    point: FaultPoint,
    context: FaultContext,
    kinds: readonly K[] = KINDS_AT[point] as readonly K[],
  ): Extract<FaultRule, { kind: K }> | undefined {
    let chosen: RuleState | undefined;
    for (const state of this.#rules) {
      if (!(kinds as readonly FaultKind[]).includes(state.rule.kind)) continue;
      if (!KINDS_AT[point].includes(state.rule.kind)) continue;
      if (!matches(state.rule, point, context)) continue;
      const index = state.seen++;
      if (chosen) continue;
      if (index < (state.rule.after ?? 0)) continue;
      if (state.fired >= (state.rule.times ?? 1)) continue;
      state.fired++;
      chosen = state;
    }
    if (!chosen) return undefined;
    this.#fired.set(chosen.rule.kind, (this.#fired.get(chosen.rule.kind) ?? 0) + 1);
    return chosen.rule as Extract<FaultRule, { kind: K }>;
  }

  /** How many times each kind has fired. */
  firedByKind(): Partial<Record<FaultKind, number>> {
    return Object.fromEntries(this.#fired);
  }

  /** Rules not yet used up, so a test can assert its faults all happened. */
  pending(): FaultRule[] {
    return this.#rules.filter((s) => s.fired < (s.rule.times ?? 1)).map((s) => s.rule);
  }
}

function matches(rule: FaultRule, point: FaultPoint, context: FaultContext): boolean {
  const match = rule.match ?? {};
  if (point === 'arrival' && context.origin !== (match.origin ?? 'api')) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== context.method.toUpperCase()) {
    return false;
  }
  if (match.path !== undefined) {
    if (typeof match.path === 'string') return context.path.startsWith(match.path);
    match.path.lastIndex = 0;
    return match.path.test(context.path);
  }
  return true;
}

function validateRule(rule: FaultRule): void {
  const where = `emulator: fault ${JSON.stringify(rule.kind)}`;
  if (!Object.values(KINDS_AT).some((kinds) => kinds.includes(rule.kind))) {
    throw new TypeError(`emulator: unknown fault kind ${JSON.stringify(rule.kind)}`);
  }
  if (rule.times !== undefined && !(rule.times >= 0)) throw new RangeError(`${where}: times must be >= 0`);
  if (rule.after !== undefined && !(rule.after >= 0)) throw new RangeError(`${where}: after must be >= 0`);
  if ((rule.kind === 'truncate' || rule.kind === 'truncateNoLength') && rule.fraction !== undefined) {
    if (!(rule.fraction >= 0 && rule.fraction < 1))
      throw new RangeError(`${where}: fraction must be in [0, 1)`);
  }
  if (rule.kind === 'delay' && !(rule.ms >= 0)) throw new RangeError(`${where}: ms must be >= 0`);
  if (
    rule.kind === 'status' &&
    !(Number.isInteger(rule.status) && rule.status >= 100 && rule.status <= 599)
  ) {
    throw new RangeError(`${where}: status must be an HTTP status code`);
  }
}
