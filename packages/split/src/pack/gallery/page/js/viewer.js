import {
  AnimationMixer,
  Box3,
  Color,
  DirectionalLight,
  HemisphereLight,
  NeutralToneMapping,
  PerspectiveCamera,
  PMREMGenerator,
  Scene,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { RoomEnvironment } from 'three/addons/environments/RoomEnvironment.js';

/** The canvas background; the browser test reads it from data-background to tell drawn pixels apart. */
export const BACKGROUND = '#20242c';

/** The direction the camera looks from, relative to the model: front, a little right and above. */
const VIEW_DIRECTION = new Vector3(0.55, 0.4, 1).normalize();

/** How much larger than the model the framed view is, across (1.1: a 5 % margin on each side). */
const FRAME_MARGIN = 1.1;

/**
 * One WebGL canvas with orbit controls. It draws on demand (after a change, while the controls
 * glide or an animation plays), not 60 times a second: a pack page may sit open on a laptop, and
 * software GL in CI has two cores.
 */
export class Viewer {
  constructor(canvas) {
    this.canvas = canvas;
    this.renderer = new WebGLRenderer({ canvas, antialias: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.toneMapping = NeutralToneMapping;
    this.scene = new Scene();
    this.scene.background = new Color(BACKGROUND);
    canvas.dataset.background = BACKGROUND;
    this.software = isSoftwareRenderer(this.renderer);
    canvas.dataset.renderer = this.software ? 'software' : 'gpu';
    if (this.software) {
      // Prefiltering the environment map (PMREM) compiles and runs blur shaders that take 10 to 15 s
      // on a CPU rasteriser (SwiftShader, llvmpipe: VMs, remote desktops, CI); brighter direct
      // lights stand in for it there, at the cost of duller metals.
      this.scene.add(new HemisphereLight(0xffffff, 0x50505a, 2.2));
      this.addLight(2.4, [3, 6, 4]);
      this.addLight(1.0, [-4, 2, -3]);
    } else {
      const environment = new PMREMGenerator(this.renderer);
      this.scene.environment = environment.fromScene(new RoomEnvironment(), 0.04).texture;
      environment.dispose();
      this.scene.add(new HemisphereLight(0xffffff, 0x404048, 0.6));
      this.addLight(1.2, [3, 6, 4]);
    }
    this.camera = new PerspectiveCamera(40, 1, 0.01, 1000);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.controls.addEventListener('change', () => this.requestRender());
    this.content = null;
    this.animations = [];
    this.mixers = [];
    this.playing = false;
    this.framePending = false;
    this.lastTime = 0;
    this.onRendered = null;
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    this.resize();
  }

  /** A directional light from `direction` (it follows the camera's target, not the model's size). */
  addLight(intensity, direction) {
    const light = new DirectionalLight(0xffffff, intensity);
    light.position.set(...direction);
    this.scene.add(light);
  }

  resize() {
    const { clientWidth: width, clientHeight: height } = this.canvas.parentElement;
    if (width === 0 || height === 0) return;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /**
   * Shows `object` alone, framed on `box` (world space; whole-model.js framingBox). `animations`
   * ({ root, clips } each) play only while the viewer plays: at rest the parts show the pose their
   * files store, which is what the manifest's placements reassemble.
   */
  show(object, box, animations = []) {
    this.setPlaying(false);
    if (this.content) this.scene.remove(this.content);
    this.content = object;
    this.animations = animations.filter((animation) => animation.clips.length > 0);
    this.scene.add(object);
    this.frame(box);
  }

  /** Whether what is shown has animations. */
  get animated() {
    return this.animations.length > 0;
  }

  /** The names of the clips of what is shown, each once, in the order of the file. */
  get clipNames() {
    return [...new Set(this.animations.flatMap(({ clips }) => clips.map((clip) => clip.name)))];
  }

  /**
   * Which clip Play plays (by name; every part that has a clip of that name plays it): a model's clips
   * are alternatives (the Fox's Survey, Walk and Run), and played together they fight over the same
   * joints. Restarts it when playing.
   */
  setClip(name) {
    this.clip = name;
    if (this.playing) this.setPlaying(true);
  }

  /**
   * Points the camera at a box from the usual direction, at the distance where all of the box is in
   * view with a margin (FRAME_MARGIN): each of its 8 corners is placed in the camera's frame, and the
   * distance is the largest any corner needs, across the width and the height (a tall model in a wide
   * view, a nearer corner that perspective makes larger). A bounding sphere would crop or shrink
   * long models.
   */
  frame(box) {
    const bounds = box && !box.isEmpty() ? box : new Box3().setFromObject(this.content ?? this.scene);
    if (bounds.isEmpty()) return;
    this.home = bounds.clone();
    const center = bounds.getCenter(new Vector3());
    const size = bounds.getSize(new Vector3());
    const tanV = Math.tan((this.camera.fov * Math.PI) / 360);
    const tanH = tanV * this.camera.aspect;
    // The camera's axes when it looks from VIEW_DIRECTION with its up vector (what lookAt makes).
    const right = new Vector3().crossVectors(this.camera.up, VIEW_DIRECTION).normalize();
    const up = new Vector3().crossVectors(VIEW_DIRECTION, right);
    let distance = 1e-6;
    const corner = new Vector3();
    for (let i = 0; i < 8; i++) {
      corner.set(
        i & 1 ? size.x / 2 : -size.x / 2,
        i & 2 ? size.y / 2 : -size.y / 2,
        i & 4 ? size.z / 2 : -size.z / 2,
      );
      // At distance d the corner is d − corner·VIEW_DIRECTION in front of the camera; it is in view
      // when its offsets across the view are within tan(half angle) of that depth.
      const across =
        Math.max(Math.abs(corner.dot(right)) / tanH, Math.abs(corner.dot(up)) / tanV) * FRAME_MARGIN;
      distance = Math.max(distance, corner.dot(VIEW_DIRECTION) + across);
    }
    this.camera.near = distance / 100;
    this.camera.far = distance * 100;
    this.camera.position.copy(center).addScaledVector(VIEW_DIRECTION, distance);
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(center);
    this.controls.update();
    this.requestRender();
  }

  /** Back to the framing of the last `show`. */
  reset() {
    if (this.home) this.frame(this.home);
  }

  /** Plays the chosen clip (setClip; the first by default) from its start, or stops it (the rest pose). */
  setPlaying(playing) {
    for (const mixer of this.mixers) mixer.stopAllAction();
    this.mixers = [];
    this.playing = playing && this.animated;
    if (this.playing) {
      const name = this.clipNames.includes(this.clip) ? this.clip : this.clipNames[0];
      const played = new Set();
      for (const { root, clips } of this.animations) {
        const mixer = new AnimationMixer(root);
        for (const clip of clips) {
          if (clip.name !== name) continue;
          mixer.clipAction(clip).play();
          played.add(clip.name);
        }
        this.mixers.push(mixer);
      }
      // What plays, for a test to read (the names of the clips actually started).
      this.canvas.dataset.clip = [...played].join(',');
    } else {
      delete this.canvas.dataset.clip;
    }
    this.lastTime = performance.now();
    this.requestRender();
  }

  requestRender() {
    if (this.framePending) return;
    this.framePending = true;
    requestAnimationFrame((time) => this.render(time));
  }

  render(time) {
    this.framePending = false;
    const delta = Math.min((time - this.lastTime) / 1000, 0.1);
    this.lastTime = time;
    if (this.playing) for (const mixer of this.mixers) mixer.update(delta);
    const gliding = this.controls.update();
    this.renderer.render(this.scene, this.camera);
    if (gliding || this.playing) this.requestRender();
    this.onRendered?.();
  }
}

/** Whether WebGL runs on a CPU rasteriser rather than a GPU. */
function isSoftwareRenderer(renderer) {
  const gl = renderer.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
}
