import type { AttributeRecord, JsonAttributeValue } from "../../core/model.js";
import { escapeControl } from "./escape.js";
import { FLOAT32_TYPES, shortestFloat32Deep } from "./float32.js";

type Obj = { [key: string]: JsonAttributeValue };

const isObj = (v: JsonAttributeValue): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A quoted string on one line: JSON escapes C0 controls; DEL, C1 and line separators are escaped too. */
const quoted = (s: string) => escapeControl(JSON.stringify(s));

function scalar(v: JsonAttributeValue): string {
  if (typeof v === "string") return quoted(v);
  if (isObj(v) && v.valid_utf8 === false)
    return `${quoted(String(v.text))} (invalid UTF-8; bytes base64 ${v.base64})`;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  return compact(v);
}

/** JSON-like but without quotes around keys: readable, unambiguous, one line. */
function compact(v: JsonAttributeValue): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(", ")}]`;
  if (isObj(v)) {
    if (v.valid_utf8 === false) return scalar(v);
    return `{${Object.entries(v)
      .map(([k, x]) => `${escapeControl(k)}: ${compact(x)}`)
      .join(", ")}}`;
  }
  return typeof v === "string" ? quoted(v) : String(v);
}

/** Enumeration names print bare; unknown raw values print as numbers. */
const plain = (v: JsonAttributeValue | undefined) => (typeof v === "string" ? escapeControl(v) : num(v));

const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity", "-0"]);
const num = (v: JsonAttributeValue | undefined) =>
  v === undefined ? "?" : typeof v === "string" && NON_FINITE.has(v) ? v : compact(v);

function matrix(values: JsonAttributeValue[], n: number, indent: string): string {
  const rows: string[] = [];
  for (let r = 0; r < n; r++)
    rows.push(
      `${indent}(${values
        .slice(r * n, r * n + n)
        .map(num)
        .join(" ")})`,
    );
  return `\n${rows.join("\n")}`;
}

/**
 * The full value of an attribute as text, in the spirit of `exrheader` (which it extends: every type gets
 * its value; enums print their names; strings are quoted; unknown types print their raw bytes as base64).
 */
export function formatAttributeValue(a: AttributeRecord, indent: string): string {
  const v = FLOAT32_TYPES.has(a.type) ? shortestFloat32Deep(a.value) : a.value;
  switch (a.type) {
    case "box2i":
    case "box2f":
      if (isObj(v) && Array.isArray(v.min) && Array.isArray(v.max))
        return `(${v.min.map(num).join(" ")}) - (${v.max.map(num).join(" ")})`;
      break;
    case "chlist":
      if (Array.isArray(v))
        return v
          .map((c) =>
            isObj(c)
              ? `\n${indent}${scalar(c.name ?? "")}, ${plain(c.type)}, sampling ${num(c.x_sampling)} ${num(c.y_sampling)}${c.p_linear ? ", plinear" : ""}`
              : `\n${indent}${compact(c)}`,
          )
          .join("");
      break;
    case "m33f":
    case "m33d":
      if (Array.isArray(v) && v.length === 9) return matrix(v, 3, indent);
      break;
    case "m44f":
    case "m44d":
      if (Array.isArray(v) && v.length === 16) return matrix(v, 4, indent);
      break;
    case "v2i":
    case "v2f":
    case "v2d":
    case "v3i":
    case "v3f":
    case "v3d":
      if (Array.isArray(v)) return `(${v.map(num).join(" ")})`;
      break;
    case "stringvector":
      if (Array.isArray(v))
        return v.length === 0 ? "(empty)" : v.map((s) => `\n${indent}${scalar(s)}`).join("");
      break;
    case "compression":
    case "lineOrder":
    case "envmap":
    case "deepImageState":
      return plain(v);
    case "tiledesc":
      if (isObj(v))
        return `tile size ${num(v.x_size)} by ${num(v.y_size)}, level mode ${plain(v.level_mode)}, rounding mode ${plain(v.rounding_mode)}`;
      break;
    case "preview":
      if (isObj(v) && "width" in v) return `${num(v.width)} by ${num(v.height)} pixels, ${num(v.hash)}`;
      break;
  }
  return scalar(v);
}
