/**
 * WGSL for the large products of a CKA matrix (f32 on the GPU; the inputs are column-centred in
 * float64 beforehand, so no large mean cancels in f32, and every partial sum comes back to be
 * added in float64).
 */

/**
 * One panel of one representation's Gram matrix: G[r][c] = Σ_k X[r0 + r][off + k]·X[c][off + k]
 * for panel rows r < rows and all n columns c, with X the n×D concatenation of every
 * representation (row-major). A workgroup of 16×16 threads computes a 64×64 tile, each thread
 * a 4×4 block in registers; the k axis goes through workgroup memory 16 at a time.
 */
export const GRAM_TILE = 64;
export const GRAM_PANEL_WGSL = /* wgsl */ `
struct Params { n: u32, D: u32, r0: u32, rows: u32, off: u32, d: u32, outBase: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> G: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;
var<workgroup> ta: array<f32, 1024>;
var<workgroup> tb: array<f32, 1024>;

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tid = lid.y * 16u + lid.x;
  let rowBase = wg.y * 64u;
  let colBase = wg.x * 64u;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.d; k0 += 16u) {
    for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let rr = e / 16u;
      let k = k0 + e % 16u;
      let r = rowBase + rr;
      var a = 0.0;
      if (r < p.rows && k < p.d) { a = X[(p.r0 + r) * p.D + p.off + k]; }
      ta[e] = a;
      let c = colBase + rr;
      var b = 0.0;
      if (c < p.n && k < p.d) { b = X[c * p.D + p.off + k]; }
      tb[e] = b;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = ta[(lid.y * 4u + i) * 16u + kk];
        bv[i] = tb[(lid.x * 4u + i) * 16u + kk];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] += av[i] * bv[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let r = rowBase + lid.y * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let c = colBase + lid.x * 4u + j;
      if (r < p.rows && c < p.n) { G[p.outBase + r * p.n + c] = acc[i * 4u + j]; }
    }
  }
}
`;

/**
 * Partial Frobenius products of panel pairs: for pair (i, j) and chunk w, the sum of
 * G_i[e]·G_j[e] over the chunk's `perThread`·256 elements (a tree sum in workgroup memory).
 */
export const PAIR_DOTS_WGSL = /* wgsl */ `
struct Params { len: u32, perThread: u32, chunks: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> pairs: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;
var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let pr = pairs[wg.y];
  let a = pr.x * p.len;
  let b = pr.y * p.len;
  let start = wg.x * 256u * p.perThread;
  var s = 0.0;
  for (var q = 0u; q < p.perThread; q++) {
    let e = start + q * 256u + lid.x;
    if (e < p.len) { s += G[a + e] * G[b + e]; }
  }
  red[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w = w >> 1u) {
    if (lid.x < w) { red[lid.x] += red[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { partial[wg.y * p.chunks + wg.x] = red[0]; }
}
`;
