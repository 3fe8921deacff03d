const compiled = new Map<string, RegExp>();

/** A policy's regular expression, compiled once (policies are validated before any file is read). */
export function regex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "u");
    compiled.set(pattern, re);
  }
  return re;
}
