// The one wrapper around the generated Wails bindings: every call goes
// through `call`, which turns whatever the Go side or the IPC layer rejects
// with into an ApiError {code, message}, and answers the binding's own
// generated model type as plain data (Plain).

/** Plain is a generated model class (frontend/wailsjs/go/models.ts) as the
 * JSON the bridge really sends: its fields without the class's methods
 * (convertValues), nested the same way, so stores, views and tests can build
 * them as object literals. A Go pointer or omitempty field (`x?: T` in the
 * model) may also be null, as encoding/json sends a nil pointer. */
export type Plain<T> = T extends (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Plain<T[K]> | (undefined extends T[K] ? null : never) }
    : T;

/** what Go's FormatError (app/bridge/guard.go) sends, or a Wails failure made into one */
export interface ApiError {
  code: 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'internal' | 'damaged' | 'unavailable' | 'not_set_up' | string;
  message: string;
  fields?: Record<string, string>;
}

/** toApiError normalises a rejection: our ErrorFormatter sends {code, message};
 * Wails' own failures (bad arguments, IPC) arrive as plain strings, and
 * Wails wraps either in an Error. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof Error) {
    // Wails wraps the formatter's JSON string in new Error(json).
    return toApiError(e.message);
  }
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message?: unknown; fields?: Record<string, string> };
    return { code: typeof o.code === 'string' ? o.code : 'internal', message: String(o.message), fields: o.fields };
  }
  if (typeof e === 'string') {
    try {
      const parsed = JSON.parse(e);
      if (parsed && typeof parsed === 'object' && 'message' in parsed) return toApiError(parsed);
    } catch {
      /* a plain sentence */
    }
    return { code: 'internal', message: e };
  }
  return { code: 'internal', message: 'Something went wrong.' };
}

export function isApiError(e: unknown): e is ApiError {
  return !!e && typeof e === 'object' && 'code' in e && 'message' in e;
}

/** call runs one generated binding; its answer type is the binding's own. */
export async function call<R>(p: () => Promise<R>): Promise<Plain<R>> {
  try {
    // The bindings resolve with the decoded JSON, not model instances:
    // Plain<R> is what arrives.
    return (await p()) as Plain<R>;
  } catch (e) {
    throw toApiError(e);
  }
}
