/**
 * The two three.js loaders read/mesh-import.ts uses, typed as far as it uses them (three ships no
 * types; @types/three would bring the whole API for two `parse` calls). What each returns is typed
 * where it is read (GeometryLike and the OBJ's children there).
 */
declare module 'three/examples/jsm/loaders/STLLoader.js' {
  export class STLLoader {
    parse(data: ArrayBuffer | string): unknown;
  }
}
declare module 'three/examples/jsm/loaders/OBJLoader.js' {
  export class OBJLoader {
    parse(text: string): unknown;
  }
}
