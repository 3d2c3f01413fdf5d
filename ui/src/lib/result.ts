/**
 * One shape for every command's outcome. Generated fallible commands resolve to a `Result`, but a
 * broken bridge throws (an `Error` is re-thrown by `typedError`), and infallible ones throw too:
 * this folds all of it into `{ status, … }` with a catalog code, so no screen is ever left blank.
 */
import type { CommandError } from './types';

export type Outcome<T> = { status: 'ok'; data: T } | { status: 'error'; error: CommandError };

const UNKNOWN: CommandError = { code: 'unknown', params: {} };

function asCommandError(e: unknown): CommandError {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as CommandError).code === 'string') {
    const params = (e as CommandError).params;
    return { code: (e as CommandError).code, params: params && typeof params === 'object' ? params : {} };
  }
  return UNKNOWN;
}

/** Awaits a fallible command, folding a thrown error into `unknown`. */
export async function attempt<T>(call: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    const result = await call();
    if (result.status === 'error') return { status: 'error', error: asCommandError(result.error) };
    return result;
  } catch (e) {
    return { status: 'error', error: asCommandError(e) };
  }
}

/** Awaits an infallible command, folding a thrown error into `unknown`. */
export async function attemptPlain<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { status: 'ok', data: await call() };
  } catch (e) {
    return { status: 'error', error: asCommandError(e) };
  }
}
