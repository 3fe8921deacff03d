/**
 * The float32 constants of OpenEXR's DWA decoder (internal_dwa_simd.h): the inverse DCT's cosines and the
 * Y'CbCr -> R'G'B' matrix, each rounded to float32 as OpenEXR stores them. Shared by the JavaScript path
 * (dwa-dct.ts) and the WebAssembly module it emits (dwa-wasm.ts), which must use the same values bit for bit.
 */
const f = Math.fround;
export const A = f(3.535536e-1);
export const B = f(4.903927e-1);
export const C = f(4.619398e-1);
export const D = f(4.157349e-1);
export const E = f(2.777855e-1);
export const F = f(1.913422e-1);
export const G = f(9.754573e-2);
export const CSC_R_CR = f(1.5747);
export const CSC_G_CB = f(-0.1873);
export const CSC_G_CR = f(-0.4682);
export const CSC_B_CB = f(1.8556);
