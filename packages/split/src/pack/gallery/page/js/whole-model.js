import { Box3, Group, Matrix4, Vector3 } from 'three';
import { clone } from 'three/addons/utils/SkeletonUtils.js';

/** Part files fetched and parsed at once while the whole model loads. */
const LOADS_IN_FLIGHT = 6;

/** A manifest box `{ min, max }` as a Box3, or null when it is not six finite numbers in order. */
export function boxOf(bounds) {
  const min = bounds?.min;
  const max = bounds?.max;
  const ok = (v) => Array.isArray(v) && v.length === 3 && v.every(Number.isFinite);
  if (!ok(min) || !ok(max) || min.some((value, i) => value > max[i])) return null;
  return new Box3(new Vector3(...min), new Vector3(...max));
}

/**
 * The box to frame `object` on: its manifest box `declared` (the stored positions; null when there is
 * none) and what three.js draws of it, which can reach further (morph targets at their default
 * weights, skinned vertices).
 */
export function framingBox(declared, object) {
  const drawn = new Box3().setFromObject(object);
  return declared ? declared.clone().union(drawn) : drawn;
}

/** A placement's matrix (16 numbers, column-major as glTF) as a Matrix4, or null. */
export function matrixOf(placement) {
  const m = placement?.matrix;
  if (!Array.isArray(m) || m.length !== 16 || !m.every(Number.isFinite)) return null;
  return new Matrix4().fromArray(m);
}

/**
 * The whole model reassembled from the pack: every part file drawn once per placement with the
 * placement's matrix (part file space → source world space), exactly as `reassemble()` does in
 * Node. Each placed copy sits under a group that the explode control moves away from the model's
 * centre, along the line from that centre to the copy's own.
 */
export class WholeModel {
  constructor(entries, loader) {
    /** `{ part, url }` per part; url null when the manifest's file path is unusable. */
    this.entries = entries;
    this.loader = loader;
    this.root = new Group();
    this.root.name = 'whole model';
    this.pieces = [];
    this.animations = [];
    this.failures = [];
    this.box = new Box3();
    this.center = new Vector3();
  }

  /** Loads every part and places its copies; `onProgress(done, total)` after each part. */
  async build(modelBounds, onProgress) {
    const queue = [...this.entries];
    let done = 0;
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        await this.place(entry);
        onProgress(++done, this.entries.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOADS_IN_FLIGHT, queue.length) }, worker));
    const declared = boxOf(modelBounds);
    this.box = declared ?? new Box3().setFromObject(this.root);
    this.box.getCenter(this.center);
    for (const piece of this.pieces) {
      piece.direction = piece.center.clone().sub(this.center);
    }
    return this;
  }

  async place({ part, url }) {
    try {
      if (!url) throw new Error(`${part.name}: unusable file path ${JSON.stringify(part.file)}`);
      const gltf = await this.loader.load(url);
      // What the explode control frames (boxAt): each copy as drawn.
      const partBox = framingBox(boxOf(part.bounds), gltf.scene);
      for (const placement of part.placements ?? []) {
        const matrix = matrixOf(placement);
        if (!matrix) continue;
        const copy = clone(gltf.scene);
        const placed = new Group();
        placed.matrixAutoUpdate = false;
        placed.matrix.copy(matrix);
        placed.add(copy);
        const offset = new Group();
        offset.name = part.name;
        offset.add(placed);
        this.root.add(offset);
        const box = partBox.clone().applyMatrix4(matrix);
        this.pieces.push({ offset, box, center: box.getCenter(new Vector3()), direction: new Vector3() });
        this.animations.push({ root: copy, clips: gltf.animations ?? [] });
      }
    } catch (error) {
      this.failures.push({ part, error });
    }
  }

  /** Moves every copy `amount` times its distance from the model's centre (0: assembled). */
  explode(amount) {
    for (const piece of this.pieces) piece.offset.position.copy(piece.direction).multiplyScalar(amount);
  }

  /** The box of the model exploded by `amount` (for framing). */
  boxAt(amount) {
    const box = this.box.clone();
    const shift = new Vector3();
    for (const piece of this.pieces) {
      box.union(piece.box.clone().translate(shift.copy(piece.direction).multiplyScalar(amount)));
    }
    return box;
  }
}
