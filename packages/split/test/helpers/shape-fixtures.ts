/**
 * Generated fused meshes with known parts, for the `shape` segmenter's tests: solids given as a
 * union of labelled signed distance functions, polygonised by marching tetrahedra into ONE welded,
 * watertight triangle mesh (the union has concave creases where parts meet, as a boolean union
 * made by a modeller or an AI generator has). Each triangle's construction label is the solid
 * closest to its centroid.
 */

/** Signed distance from (x, y, z) to a solid: negative inside. */
export type Sdf = (x: number, y: number, z: number) => number;

/** A fused mesh and, per triangle, the part it was built from. */
export interface LabelledMesh {
  positions: Float32Array;
  indices: Uint32Array;
  labels: Uint32Array;
  /** Number of construction parts. */
  parts: number;
}

export const sphere =
  (cx: number, cy: number, cz: number, r: number): Sdf =>
  (x, y, z) =>
    Math.hypot(x - cx, y - cy, z - cz) - r;

/** A capsule: the points within `r` of the segment a–b. */
export function capsule(a: readonly number[], b: readonly number[], r: number): Sdf {
  const [ax, ay, az] = a as [number, number, number];
  const bx = b[0]! - ax;
  const by = b[1]! - ay;
  const bz = b[2]! - az;
  const length2 = bx * bx + by * by + bz * bz;
  return (x, y, z) => {
    const px = x - ax;
    const py = y - ay;
    const pz = z - az;
    const t = Math.max(0, Math.min(1, (px * bx + py * by + pz * bz) / length2));
    return Math.hypot(px - t * bx, py - t * by, pz - t * bz) - r;
  };
}

/** An axis-aligned box with centre c and half extents h. */
export function box(c: readonly number[], h: readonly number[]): Sdf {
  return (x, y, z) => {
    const qx = Math.abs(x - c[0]!) - h[0]!;
    const qy = Math.abs(y - c[1]!) - h[1]!;
    const qz = Math.abs(z - c[2]!) - h[2]!;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0), Math.max(qz, 0));
    return outside + Math.min(Math.max(qx, qy, qz), 0);
  };
}

/** A vertical cylinder (axis y) of radius r between y0 and y1. */
export function cylinder(r: number, y0: number, y1: number): Sdf {
  return (x, y, z) => {
    const radial = Math.hypot(x, z) - r;
    const axial = Math.max(y0 - y, y - y1);
    return Math.min(Math.max(radial, axial), 0) + Math.hypot(Math.max(radial, 0), Math.max(axial, 0));
  };
}

/** A torus in the xy plane around (cx, cy, 0): major radius R, tube radius r. */
export function torusXY(cx: number, cy: number, major: number, minor: number): Sdf {
  return (x, y, z) => Math.hypot(Math.hypot(x - cx, y - cy) - major, z) - minor;
}

/**
 * Polygonise the union of `parts` (min of their distances) over the box [min, max] with `cells`
 * cells along the longest side, by marching tetrahedra (six tetrahedra per cube around its main
 * diagonal, so neighbouring cubes agree and the surface is closed). Vertices on a grid edge are
 * shared: the mesh comes out welded.
 */
export function polygonise(
  parts: readonly Sdf[],
  min: readonly number[],
  max: readonly number[],
  cells: number,
): LabelledMesh {
  const step = Math.max(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / cells;
  const nx = Math.ceil((max[0]! - min[0]!) / step) + 1;
  const ny = Math.ceil((max[1]! - min[1]!) / step) + 1;
  const nz = Math.ceil((max[2]! - min[2]!) / step) + 1;
  const union: Sdf = (x, y, z) => {
    let d = Infinity;
    for (const part of parts) d = Math.min(d, part(x, y, z));
    return d;
  };
  const at = (i: number, j: number, k: number) => i + nx * (j + ny * k);
  const value = new Float64Array(nx * ny * nz);
  const point = (p: number) => {
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / (nx * ny));
    return [min[0]! + i * step, min[1]! + j * step, min[2]! + k * step] as const;
  };
  for (let p = 0; p < value.length; p++) {
    const [x, y, z] = point(p);
    const d = union(x, y, z);
    value[p] = d === 0 ? 1e-9 : d; // no vertex exactly on the surface
  }
  const positions: number[] = [];
  const indices: number[] = [];
  const vertexOf = new Map<number, number>();
  const vertexOn = (p: number, q: number) => {
    const key = p < q ? p * value.length + q : q * value.length + p;
    let id = vertexOf.get(key);
    if (id === undefined) {
      const t = value[p]! / (value[p]! - value[q]!);
      const a = point(p);
      const b = point(q);
      id = positions.length / 3;
      positions.push(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]));
      vertexOf.set(key, id);
    }
    return id;
  };
  const emit = (a: number, b: number, c: number, inside: number, outside: number) => {
    // Orient the triangle so that its normal points from inside to outside.
    const pa = positions.slice(3 * a, 3 * a + 3);
    const pb = positions.slice(3 * b, 3 * b + 3);
    const pc = positions.slice(3 * c, 3 * c + 3);
    const u = [pb[0]! - pa[0]!, pb[1]! - pa[1]!, pb[2]! - pa[2]!];
    const v = [pc[0]! - pa[0]!, pc[1]! - pa[1]!, pc[2]! - pa[2]!];
    const n = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
    const pi = point(inside);
    const po = point(outside);
    const dot = n[0]! * (po[0] - pi[0]) + n[1]! * (po[1] - pi[1]) + n[2]! * (po[2] - pi[2]);
    if (dot >= 0) indices.push(a, b, c);
    else indices.push(a, c, b);
  };
  const corners = [
    [0, 0, 0],
    [1, 0, 0],
    [1, 1, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 0, 1],
    [1, 1, 1],
    [0, 1, 1],
  ] as const;
  const tets = [
    [0, 5, 1, 6],
    [0, 1, 2, 6],
    [0, 2, 3, 6],
    [0, 3, 7, 6],
    [0, 7, 4, 6],
    [0, 4, 5, 6],
  ] as const;
  const cube = new Array<number>(8);
  for (let k = 0; k < nz - 1; k++) {
    for (let j = 0; j < ny - 1; j++) {
      for (let i = 0; i < nx - 1; i++) {
        for (let c = 0; c < 8; c++) cube[c] = at(i + corners[c]![0], j + corners[c]![1], k + corners[c]![2]);
        for (const tet of tets) {
          const ids = tet.map((c) => cube[c]!);
          const inside = ids.filter((p) => value[p]! < 0);
          const outside = ids.filter((p) => value[p]! >= 0);
          if (inside.length === 0 || outside.length === 0) continue;
          if (inside.length === 1 || outside.length === 1) {
            const lone = inside.length === 1 ? inside[0]! : outside[0]!;
            const others = inside.length === 1 ? outside : inside;
            const [a, b, c] = others.map((o) => vertexOn(lone, o)) as [number, number, number];
            emit(a, b, c, inside[0]!, outside[0]!);
          } else {
            const [i0, i1] = inside as [number, number];
            const [o0, o1] = outside as [number, number];
            const a = vertexOn(i0, o0);
            const b = vertexOn(i0, o1);
            const c = vertexOn(i1, o1);
            const d = vertexOn(i1, o0);
            emit(a, b, c, i0, o0);
            emit(a, c, d, i0, o0);
          }
        }
      }
    }
  }
  const triangles = indices.length / 3;
  const labels = new Uint32Array(triangles);
  for (let t = 0; t < triangles; t++) {
    const m = [0, 1, 2].map((k) => {
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += positions[3 * indices[3 * t + c]! + k]!;
      return sum / 3;
    }) as [number, number, number];
    let best = 0;
    for (let p = 1; p < parts.length; p++) if (parts[p]!(...m) < parts[best]!(...m)) best = p;
    labels[t] = best;
  }
  return {
    positions: Float32Array.from(positions),
    indices: Uint32Array.from(indices),
    labels,
    parts: parts.length,
  };
}

/** A capsule body with a head, two arms and two legs: 6 parts. */
export function capsuleFigure(cells = 72): LabelledMesh {
  return polygonise(
    [
      capsule([0, -0.45, 0], [0, 0.45, 0], 0.38),
      sphere(0, 1.08, 0, 0.3),
      capsule([0.3, 0.35, 0], [1.25, 0.45, 0], 0.12),
      capsule([-0.3, 0.35, 0], [-1.25, 0.45, 0], 0.12),
      capsule([0.18, -0.6, 0], [0.25, -1.55, 0], 0.14),
      capsule([-0.18, -0.6, 0], [-0.25, -1.55, 0], 0.14),
    ],
    [-1.45, -1.75, -0.45],
    [1.45, 1.45, 0.45],
    cells,
  );
}

/**
 * A mug: an open hollow cylinder whose inside is rounded at the bottom (as mugs are), and a
 * handle fused to its side: 2 parts.
 */
export function mug(cells = 72): LabelledMesh {
  const outer = cylinder(0.5, -0.5, 0.5);
  const rounding = 0.42;
  const core = cylinder(0.42 - rounding, -0.42 + rounding, 0.9);
  const inner: Sdf = (x, y, z) => core(x, y, z) - rounding;
  const body: Sdf = (x, y, z) => Math.max(outer(x, y, z), -inner(x, y, z));
  const ring = torusXY(0.5, 0, 0.3, 0.07);
  const handle: Sdf = (x, y, z) => Math.max(ring(x, y, z), 0.46 - x);
  return polygonise([body, handle], [-0.6, -0.6, -0.6], [0.95, 0.6, 0.6], cells);
}

/** A table: a top and four legs: 5 parts. */
export function table(cells = 72): LabelledMesh {
  const legs = [
    [0.7, 0.4],
    [-0.7, 0.4],
    [0.7, -0.4],
    [-0.7, -0.4],
  ].map(([x, z]) => box([x!, -0.05, z!], [0.06, 0.45, 0.06]));
  return polygonise(
    [box([0, 0.45, 0], [0.85, 0.06, 0.55]), ...legs],
    [-0.95, -0.6, -0.65],
    [0.95, 0.6, 0.65],
    cells,
  );
}

/**
 * 1 − Rand index between two labellings of the same faces (the PSB metric, with C(N, 2) pairs):
 * the share of face pairs that one puts together and the other apart.
 */
export function randError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const pairs = (count: number) => (count * (count - 1)) / 2;
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  const cells = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
    const key = `${a[i]} ${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  let sum = 0;
  for (const c of rows.values()) sum += pairs(c);
  for (const c of cols.values()) sum += pairs(c);
  for (const c of cells.values()) sum -= 2 * pairs(c);
  return sum / pairs(n);
}
