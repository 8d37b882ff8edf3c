// Route path patterns: `/api/tasks`, `/api/tasks/:id`. A `:name` segment matches one non-empty path segment
// (percent-decoded into `params.name`); every other segment matches itself exactly.

export interface RoutePattern {
  /** The pattern as declared, e.g. `/api/tasks/:id`: what `ListViews` reports. */
  readonly path: string;
  readonly params: readonly string[];
  /** The params of `path` if it matches, else undefined. */
  match(path: string): Record<string, string> | undefined;
}

type Segment = { literal: string } | { param: string };

const paramName = /^[A-Za-z_][A-Za-z0-9_]*$/;

function segments(path: string): string[] {
  const parts = path.split("/").slice(1);
  // A trailing slash is the same route: `/api/tasks/` is `/api/tasks`.
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Parses a route pattern, refusing one that is not an absolute path or names a param twice. */
export function parseRoutePattern(path: string): RoutePattern {
  if (!path.startsWith("/")) {
    throw new TypeError(`route path ${JSON.stringify(path)} must start with "/", e.g. "/api/tasks"`);
  }
  if (/[?#]/.test(path)) throw new TypeError(`route path ${JSON.stringify(path)} must not hold a query or fragment`);
  const parsed: Segment[] = segments(path).map((part) => {
    if (!part.startsWith(":")) return { literal: part };
    const name = part.slice(1);
    if (!paramName.test(name)) {
      throw new TypeError(`route path ${JSON.stringify(path)}: ${JSON.stringify(part)} is not a valid param (":" then a letter or _, then letters, digits or _)`);
    }
    return { param: name };
  });
  const params = parsed.flatMap((s) => ("param" in s ? [s.param] : []));
  const duplicate = params.find((p, i) => params.indexOf(p) !== i);
  if (duplicate !== undefined) throw new TypeError(`route path ${JSON.stringify(path)} names the param :${duplicate} twice`);
  return {
    path,
    params,
    match(candidate: string) {
      const parts = segments(candidate);
      if (parts.length !== parsed.length) return undefined;
      const out: Record<string, string> = {};
      for (let i = 0; i < parsed.length; i++) {
        const want = parsed[i]!;
        const got = parts[i]!;
        if ("literal" in want) {
          if (safeDecode(got) !== want.literal) return undefined;
        } else {
          if (got === "") return undefined;
          out[want.param] = safeDecode(got);
        }
      }
      return out;
    },
  };
}

/** `decodeURIComponent`, or the text as it is when it is not valid percent-encoding (`%E0%A4%A`). */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Two patterns that can match the same path (`/a/:id` and `/a/new`) are fine; identical shapes are not. */
export function patternShape(path: string): string {
  return segments(path)
    .map((s) => (s.startsWith(":") ? ":" : s))
    .join("/");
}
