/**
 * Nearest surface between parts that share no boundary (separate nodes, separate shells): points
 * sampled on every part's triangles, in a hash grid. Written here rather than taken from a library:
 * the npm spatial indexes are 2-D (rbush, flatbush, kdbush) or tied to three.js (three-mesh-bvh),
 * and what is needed is one uniform grid over points with a part id each.
 */

/** Most samples of a group that one nearest-surface query looks from (evenly strided beyond that). */
const MAX_QUERY_SAMPLES = 4096;
/** Up to this many parts, samples that cannot beat the best distance (by the parts' boxes) are skipped. */
const BOX_PRUNING_PARTS = 256;

/** Points on the parts' surfaces: every triangle corner, plus inner points on triangles larger than a cell. */
export class SurfaceSamples {
  private readonly xyz: number[] = [];
  private readonly part: number[] = [];
  private index: { grid: SampleGrid; start: Uint32Array; order: Uint32Array; boxes: Float64Array } | null =
    null;
  private readonly min = [Infinity, Infinity, Infinity];
  private readonly max = [-Infinity, -Infinity, -Infinity];
  /** Spacing of inner points; set once the bounds are known (see {@link setSpacing}). */
  private spacing = Infinity;

  /** @param parts number of parts (ids 0 … parts-1). */
  constructor(private readonly parts: number) {}

  /** Extends the bounds the spacing is computed from (call for every point before adding triangles). */
  extend(x: number, y: number, z: number): void {
    if (x < this.min[0]!) this.min[0] = x;
    if (y < this.min[1]!) this.min[1] = y;
    if (z < this.min[2]!) this.min[2] = z;
    if (x > this.max[0]!) this.max[0] = x;
    if (y > this.max[1]!) this.max[1] = y;
    if (z > this.max[2]!) this.max[2] = z;
  }

  /**
   * Inner points are spaced `diagonal / resolution` apart: with 64, a part's distance is known to
   * within about 1.5 % of the model's size (enough to tell which surface is nearest), and a coarse
   * model of large triangles gets thousands of inner points, not millions.
   */
  setSpacing(resolution = 64): void {
    const diagonal = Math.hypot(
      this.max[0]! - this.min[0]!,
      this.max[1]! - this.min[1]!,
      this.max[2]! - this.min[2]!,
    );
    this.spacing = diagonal > 0 && Number.isFinite(diagonal) ? diagonal / resolution : Infinity;
  }

  /**
   * Adds the triangle (a, b, c) of `part`: its corners, points along edges longer than the spacing,
   * and a grid of inner points when its area exceeds a cell's (a long thin triangle gets its edges
   * only: the number of points follows the area and the edges, not the longest edge squared).
   */
  addTriangle(part: number, a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>): void {
    this.push(part, a[0]!, a[1]!, a[2]!);
    this.push(part, b[0]!, b[1]!, b[2]!);
    this.push(part, c[0]!, c[1]!, c[2]!);
    if (!Number.isFinite(this.spacing)) return;
    for (const [p, q] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      const steps = Math.min(256, Math.ceil(dist(p, q) / this.spacing));
      for (let i = 1; i < steps; i++) {
        const t = i / steps;
        this.push(
          part,
          p[0]! + t * (q[0]! - p[0]!),
          p[1]! + t * (q[1]! - p[1]!),
          p[2]! + t * (q[2]! - p[2]!),
        );
      }
    }
    const ux = b[0]! - a[0]!;
    const uy = b[1]! - a[1]!;
    const uz = b[2]! - a[2]!;
    const vx = c[0]! - a[0]!;
    const vy = c[1]! - a[1]!;
    const vz = c[2]! - a[2]!;
    const area = 0.5 * Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx);
    const steps = Math.min(64, Math.floor(Math.sqrt(2 * area) / this.spacing));
    for (let i = 1; i < steps; i++) {
      for (let j = 1; i + j < steps; j++) {
        const u = i / steps;
        const v = j / steps;
        const w = 1 - u - v;
        this.push(
          part,
          w * a[0]! + u * b[0]! + v * c[0]!,
          w * a[1]! + u * b[1]! + v * c[1]!,
          w * a[2]! + u * b[2]! + v * c[2]!,
        );
      }
    }
  }

  private push(part: number, x: number, y: number, z: number): void {
    this.xyz.push(x, y, z);
    this.part.push(part);
    this.index = null;
  }

  /** Bounds of each part's samples (min xyz, max xyz), for pruning. */
  private partBoxes(): Float64Array {
    const boxes = new Float64Array(this.parts * 6);
    for (let p = 0; p < this.parts; p++)
      boxes.set([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity], 6 * p);
    this.part.forEach((p, s) => {
      for (let axis = 0; axis < 3; axis++) {
        const value = this.xyz[3 * s + axis]!;
        if (value < boxes[6 * p + axis]!) boxes[6 * p + axis] = value;
        if (value > boxes[6 * p + 3 + axis]!) boxes[6 * p + 3 + axis] = value;
      }
    });
    return boxes;
  }

  /** The grid and the samples of each part (a counting sort by part), built on first use. */
  private built(): { grid: SampleGrid; start: Uint32Array; order: Uint32Array; boxes: Float64Array } {
    if (this.index) return this.index;
    const start = new Uint32Array(this.parts + 1);
    for (const part of this.part) start[part + 1]! += 1;
    for (let p = 0; p < this.parts; p++) start[p + 1]! += start[p]!;
    const cursor = start.slice(0, this.parts);
    const order = new Uint32Array(this.part.length);
    this.part.forEach((part, s) => {
      order[cursor[part]!++] = s;
    });
    this.index = {
      grid: new SampleGrid(Float64Array.from(this.xyz), this.part, this.spacing),
      start,
      order,
      boxes: this.partBoxes(),
    };
    return this.index;
  }

  /**
   * The part (among those `allowed` accepts) whose samples come nearest to a sample of `members`,
   * or null when there is none within reach. Distances within one grid cell count as equal (sampling
   * cannot tell them apart); among those, the part nearest to most of the members' samples wins,
   * which is the one they touch along the longest stretch.
   */
  nearest(members: readonly number[], allowed: (part: number) => boolean): number | null {
    const { grid, start, order, boxes } = this.built();
    const own = new Set(members);
    const accept = (part: number) => !own.has(part) && allowed(part);
    // With few parts, a sample farther from every other part's box than the best distance so far
    // cannot find a nearer surface: skipped without a search.
    const candidates: number[] = [];
    if (this.parts <= BOX_PRUNING_PARTS)
      for (let p = 0; p < this.parts; p++) if (accept(p)) candidates.push(p);
    if (this.parts <= BOX_PRUNING_PARTS && candidates.length === 0) return null;
    const boxBound = (s: number): number => {
      let bound = Infinity;
      for (const p of candidates) {
        let sum = 0;
        for (let axis = 0; axis < 3; axis++) {
          const value = this.xyz[3 * s + axis]!;
          const gap = Math.max(boxes[6 * p + axis]! - value, value - boxes[6 * p + 3 + axis]!, 0);
          sum += gap * gap;
        }
        bound = Math.min(bound, Math.sqrt(sum));
      }
      return bound;
    };
    const total = members.reduce((sum, m) => sum + start[m + 1]! - start[m]!, 0);
    const stride = Math.max(1, Math.ceil(total / MAX_QUERY_SAMPLES));
    const best = new Map<number, { distance: number; hits: number }>();
    // Only neighbours within a cell of the nearest found so far matter: each search stops there, so
    // the samples far from every neighbour (most of a part's) cost a few rings, not a sweep.
    let reach = Infinity;
    let k = 0;
    for (const member of members) {
      for (let i = start[member]!; i < start[member + 1]!; i++, k++) {
        if (k % stride !== 0) continue;
        const s = order[i]!;
        if (candidates.length > 0 && boxBound(s) > reach) continue;
        const found = grid.nearest(s, accept, reach);
        if (!found) continue;
        reach = Math.min(reach, found.distance + grid.cell);
        const entry = best.get(found.part);
        if (!entry) best.set(found.part, { distance: found.distance, hits: 1 });
        else {
          entry.distance = Math.min(entry.distance, found.distance);
          entry.hits++;
        }
      }
    }
    if (best.size === 0) return null;
    const minimum = Math.min(...[...best.values()].map((entry) => entry.distance));
    let choice: number | null = null;
    let choiceHits = 0;
    for (const [part, { distance, hits }] of best) {
      if (distance > minimum + grid.cell) continue;
      if (hits > choiceHits || (hits === choiceHits && choice !== null && part < choice)) {
        choice = part;
        choiceHits = hits;
      }
    }
    return choice;
  }
}

function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
}

/** Cell coordinates are offset by this into a non-negative 16-bit range for the hash key. */
const OFFSET = 32768;

/** A hash grid over points: per cell a linked list of point indices. */
class SampleGrid {
  readonly cell: number;
  private readonly heads: Int32Array;
  private readonly keys: Float64Array;
  private readonly used: Uint8Array;
  private readonly next: Int32Array;
  private readonly mask: number;
  private readonly origin: [number, number, number] = [Infinity, Infinity, Infinity];
  /** Most rings searched around a query before giving up (a part that far away is no neighbour). */
  private readonly maxRing = 48;

  constructor(
    private readonly xyz: Float64Array,
    private readonly parts: readonly number[],
    spacing: number,
  ) {
    const count = parts.length;
    const max = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < count; i++) {
      for (let axis = 0; axis < 3; axis++) {
        const value = xyz[3 * i + axis]!;
        if (value < this.origin[axis]!) this.origin[axis] = value;
        if (value > max[axis]!) max[axis] = value;
      }
    }
    const extent = Math.max(max[0]! - this.origin[0], max[1]! - this.origin[1], max[2]! - this.origin[2]);
    // About eight points per occupied cell on a surface (points ~ cells²), never finer than the
    // spacing, and at most 16 000 cells along an axis (the hash key's range).
    const byCount = extent * Math.sqrt(8 / Math.max(count, 1));
    const cell = Math.max(Number.isFinite(spacing) ? spacing : 0, byCount, extent / 16000);
    this.cell = cell > 0 && Number.isFinite(cell) ? cell : 1;
    let capacity = 1;
    while (capacity < count * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.heads = new Int32Array(capacity).fill(-1);
    this.keys = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    this.next = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const slot = this.slotOf(
        this.coordinate(xyz[3 * i]!, 0),
        this.coordinate(xyz[3 * i + 1]!, 1),
        this.coordinate(xyz[3 * i + 2]!, 2),
        true,
      );
      this.next[i] = this.heads[slot]!;
      this.heads[slot] = i;
    }
  }

  private coordinate(value: number, axis: number): number {
    return Math.floor((value - this.origin[axis]!) / this.cell);
  }

  /** The table slot of a cell (open addressing on a numeric key), or -1 when absent and not `create`. */
  private slotOf(x: number, y: number, z: number, create: boolean): number {
    const key = ((x + OFFSET) * 65536 + (y + OFFSET)) * 65536 + (z + OFFSET);
    let h = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(z, 83492791)) & this.mask;
    for (;;) {
      if (this.used[h] === 0) {
        if (!create) return -1;
        this.used[h] = 1;
        this.keys[h] = key;
        return h;
      }
      if (this.keys[h] === key) return h;
      h = (h + 1) & this.mask;
    }
  }

  /**
   * Nearest point to point `s` whose part `accept` takes, searching rings of cells outward, no
   * farther than `reach`.
   */
  nearest(
    s: number,
    accept: (part: number) => boolean,
    reach: number,
  ): { part: number; distance: number } | null {
    const x = this.xyz[3 * s]!;
    const y = this.xyz[3 * s + 1]!;
    const z = this.xyz[3 * s + 2]!;
    const cx = this.coordinate(x, 0);
    const cy = this.coordinate(y, 1);
    const cz = this.coordinate(z, 2);
    let best = Infinity;
    let bestPart = -1;
    for (let ring = 0; ring <= this.maxRing; ring++) {
      for (let dx = -ring; dx <= ring; dx++) {
        for (let dy = -ring; dy <= ring; dy++) {
          // Inside the ring's shell only its two z faces are new: step over the interior.
          const shell = Math.abs(dx) === ring || Math.abs(dy) === ring;
          const step = shell || ring === 0 ? 1 : 2 * ring;
          for (let dz = -ring; dz <= ring; dz += step) {
            const slot = this.slotOf(cx + dx, cy + dy, cz + dz, false);
            if (slot < 0) continue;
            for (let i = this.heads[slot]!; i >= 0; i = this.next[i]!) {
              const d = Math.hypot(this.xyz[3 * i]! - x, this.xyz[3 * i + 1]! - y, this.xyz[3 * i + 2]! - z);
              if (d < best && accept(this.parts[i]!)) {
                best = d;
                bestPart = this.parts[i]!;
              }
            }
          }
        }
      }
      // Points in the next ring are at least `ring` cells away.
      if ((bestPart >= 0 && best <= ring * this.cell) || ring * this.cell > reach) break;
    }
    return bestPart >= 0 && best <= reach ? { part: bestPart, distance: best } : null;
  }
}
