/** Exit codes, as DESIGN.md gives them. */
export const EXIT = {
  /** Every model succeeded. */
  ok: 0,
  /** Some models failed (the others are complete). */
  someFailed: 1,
  /** Bad usage or bad input: nothing was done. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
