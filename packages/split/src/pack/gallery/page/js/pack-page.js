import { creditLine } from './credit.js';
import { el, setText, thumbnail, wrappable } from './dom.js';
import { firstText, formatBytes, formatCount, plural, relativeUrl } from './format.js';
import { PartLoader } from './load-part.js';
import { Viewer } from './viewer.js';
import { boxOf, framingBox, WholeModel } from './whole-model.js';

/**
 * The pack page: reads manifest.json (beside index.html), lists the parts, and shows the whole model
 * or one part in the 3D view. State for tests and scripts is on <body>: data-state
 * (loading | ready | error) and data-view (whole | part), data-part (the part shown).
 * The address keeps the view: #whole, or #part=<name> (URL-encoded).
 */

const $ = (id) => document.getElementById(id);
const EXPLODE_DEFAULT = 0.6;
const EXPLODE_MS = 350;

const state = {
  manifest: null,
  entries: [],
  viewer: null,
  loader: null,
  whole: null,
  wholeReady: null,
  exploded: false,
  explodeAmount: 0,
  view: null,
  /** Increases on every view change, so a slow load never replaces a newer view. */
  generation: 0,
};

function setPageState(pageState) {
  document.body.dataset.state = pageState;
}

function setStatus(text, kind = 'info') {
  const status = $('status');
  status.textContent = text;
  status.dataset.kind = kind;
  status.hidden = text === '';
}

function fail(message, error) {
  console.error(`meshparts gallery: ${message}`, error ?? '');
  setStatus(message, 'error');
  setPageState('error');
}

async function boot() {
  $('boot').remove();
  const from = new URLSearchParams(location.search).get('from');
  if (from !== null) $('back').hidden = false;
  // Beside a user's index.html, the run's page is meshparts-gallery.html (only this known name is taken).
  if (from === 'run-beside') $('back').setAttribute('href', '../meshparts-gallery.html');
  let manifest;
  try {
    const response = await fetch('manifest.json', { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    manifest = await response.json();
    if (!manifest || !Array.isArray(manifest.parts)) throw new Error('it has no parts list');
  } catch (error) {
    fail(`cannot read manifest.json: ${error.message}`, error);
    return;
  }
  state.manifest = manifest;
  state.entries = manifest.parts.map((part, index) => ({ part, index, url: relativeUrl(part.file) }));
  renderHeader(manifest);
  renderGrid();
  try {
    state.viewer = new Viewer($('view'));
  } catch (error) {
    fail('this browser cannot draw WebGL, so the 3D view is off (the parts list still works)', error);
    return;
  }
  state.loader = new PartLoader(state.viewer.renderer);
  state.viewer.onRendered = () => {
    if (document.body.dataset.state === 'drawing') setPageState('ready');
  };
  wireControls();
  window.addEventListener('hashchange', () => route());
  route();
}

function renderHeader(manifest) {
  const source = manifest.source ?? {};
  const name = firstText(source.file, 'pack').replace(/\.(glb|gltf)$/i, '');
  document.title = `${name} · meshparts`;
  $('model-name').textContent = name;
  const triangles = sum(manifest.parts, (part) => (part.triangles ?? 0) * placementsOf(part));
  const bytes = sum(manifest.parts, (part) => part.byteLength ?? 0);
  setText(
    $('model-meta'),
    [
      plural(manifest.parts.length, 'part'),
      `${formatCount(triangles)} triangles`,
      formatBytes(bytes),
      source.strategy ? `split by ${source.strategy}` : '',
      segmenterText(source),
    ]
      .filter(Boolean)
      .join(' · '),
  );
  const credit = creditLine(source);
  if (credit) $('credit').replaceWith(Object.assign(credit, { id: 'credit' }));
  $('generator').textContent = firstText(manifest.generator, 'meshparts');
  $('part-count').textContent = formatCount(manifest.parts.length);
}

function segmenterText(source) {
  if (source.segmenter === 'tripo') return 'segmented by Tripo';
  if (source.segmenter === 'local') return 'segmented locally';
  return '';
}

function placementsOf(part) {
  return Array.isArray(part.placements) && part.placements.length > 0 ? part.placements.length : 1;
}

function sum(items, value) {
  return items.reduce((total, item) => total + (Number(value(item)) || 0), 0);
}

function renderGrid() {
  const grid = $('grid');
  grid.replaceChildren(
    ...state.entries.map(({ part, index }) => {
      const name = firstText(part.name, part.id, `part ${index + 1}`);
      const source = firstText(part.sourceName);
      const card = el(
        'button',
        { class: 'card', type: 'button', 'data-index': index, title: name },
        thumbnail(relativeUrl(part.thumbnail), name, 'thumb'),
        el('span', { class: 'name' }, ...wrappable(name)),
        el('span', { class: 'source' }, source && source !== name ? source : '\u00a0'),
        el(
          'span',
          { class: 'stats' },
          `${formatCount(part.triangles)} tris · ${formatBytes(part.byteLength)}`,
          placementsOf(part) > 1 ? ` · ×${placementsOf(part)}` : '',
        ),
      );
      card.addEventListener('click', () => {
        location.hash = `part=${encodeURIComponent(part.name)}`;
        showStage();
      });
      return el('li', {}, card);
    }),
  );
}

/**
 * Brings the 3D view on screen when a card is tapped while less than half of the view shows: on a
 * phone the grid is under the view, and a tap that changed only what is off screen looked like
 * nothing happened.
 */
function showStage() {
  const stage = document.querySelector('.stage');
  const box = stage.getBoundingClientRect();
  const visible = Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0);
  if (visible < box.height / 2) {
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    stage.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  }
}

function wireControls() {
  $('whole-button').addEventListener('click', () => {
    location.hash = 'whole';
  });
  $('reset-view').addEventListener('click', () => state.viewer.reset());
  $('explode').addEventListener('click', () => setExploded(!state.exploded));
  $('explode-amount').addEventListener('input', (event) => {
    if (state.exploded) animateExplode(Number(event.target.value));
  });
  $('play').addEventListener('click', () => {
    const playing = !state.viewer.playing;
    state.viewer.setPlaying(playing);
    setPressed($('play'), playing);
    $('play').textContent = playing ? 'Stop' : 'Play';
  });
  $('clip').addEventListener('change', (event) => state.viewer.setClip(event.target.value));
  $('filter').addEventListener('input', (event) => filterGrid(event.target.value));
}

function filterGrid(query) {
  const needle = query.trim().toLowerCase();
  let shown = 0;
  for (const card of $('grid').querySelectorAll('.card')) {
    const { part } = state.entries[Number(card.dataset.index)];
    const haystack = `${part.name ?? ''} ${part.sourceName ?? ''}`.toLowerCase();
    card.parentElement.hidden = needle !== '' && !haystack.includes(needle);
    if (!card.parentElement.hidden) shown += 1;
  }
  // The count says what the filter leaves, and an empty grid says why it is empty.
  const total = state.entries.length;
  $('part-count').textContent =
    needle === '' ? formatCount(total) : `${formatCount(shown)} of ${formatCount(total)}`;
  setText($('no-match'), shown === 0 && needle !== '' ? `No part name contains “${query.trim()}”.` : '');
}

function setPressed(button, pressed) {
  button.setAttribute('aria-pressed', String(pressed));
}

/** Shows what the address names: #part=<name>, else the whole model. */
function route() {
  const hash = location.hash.slice(1);
  if (hash.startsWith('part=')) {
    let name = '';
    try {
      name = decodeURIComponent(hash.slice('part='.length));
    } catch {}
    const entry = state.entries.find(({ part }) => part.name === name);
    if (entry) {
      showPart(entry);
      return;
    }
  }
  showWhole();
}

function beginView(view, title) {
  state.generation++;
  state.view = view;
  document.body.dataset.view = view;
  setPageState('loading');
  $('view-title').textContent = title;
  setPressed($('whole-button'), view === 'whole');
  $('explode').disabled = view !== 'whole';
  $('explode-amount').disabled = view !== 'whole';
  for (const card of $('grid').querySelectorAll('.card')) card.removeAttribute('aria-current');
  return state.generation;
}

function finishView(animated) {
  $('play').hidden = !animated;
  // A choice of clip when there is one to make; the one chosen stays while it exists.
  const names = state.viewer.clipNames;
  const clip = $('clip');
  const chosen = names.includes(clip.value) ? clip.value : names[0];
  clip.replaceChildren(
    ...names.map((name, i) => el('option', { value: name }, name || `animation ${i + 1}`)),
  );
  clip.hidden = names.length < 2;
  if (chosen !== undefined) clip.value = chosen;
  state.viewer.setClip(chosen);
  setPressed($('play'), false);
  $('play').textContent = 'Play';
  setStatus('');
  setPageState('drawing');
  state.viewer.requestRender();
}

async function showPart(entry) {
  const { part, index, url } = entry;
  const generation = beginView('part', part.name);
  document.body.dataset.part = part.name;
  const card = $('grid').querySelector(`.card[data-index="${index}"]`);
  card?.setAttribute('aria-current', 'true');
  card?.scrollIntoView({ block: 'nearest' });
  renderDetails(part);
  setStatus(`Loading ${part.name}…`);
  try {
    if (!url) throw new Error(`unusable file path ${JSON.stringify(part.file)}`);
    const gltf = await state.loader.load(url);
    if (generation !== state.generation) return;
    const box = framingBox(boxOf(part.bounds), gltf.scene);
    state.viewer.show(gltf.scene, box, [{ root: gltf.scene, clips: gltf.animations ?? [] }]);
    finishView(state.viewer.animated);
  } catch (error) {
    if (generation === state.generation) fail(`cannot load ${part.name}: ${error.message}`, error);
  }
}

async function showWhole() {
  const placed = sum(state.entries, ({ part }) => placementsOf(part));
  const generation = beginView(
    'whole',
    `${plural(state.entries.length, 'part')}${placed !== state.entries.length ? `, ${formatCount(placed)} placed` : ''}, assembled from manifest.json`,
  );
  delete document.body.dataset.part;
  renderDetails(null);
  if (!state.whole) {
    state.whole = new WholeModel(state.entries, state.loader);
    state.wholeReady = state.whole.build(state.manifest.bounds, (done, total) => {
      if (state.view === 'whole') setStatus(`Loading parts… ${done} / ${total}`);
    });
  }
  setStatus('Loading parts…');
  const whole = await state.wholeReady;
  if (generation !== state.generation) return;
  state.viewer.show(whole.root, whole.boxAt(state.explodeAmount), whole.animations);
  finishView(state.viewer.animated);
  // One placed piece has nothing to move apart from.
  $('explode').disabled = whole.pieces.length < 2;
  if (whole.failures.length > 0) {
    for (const { part, error } of whole.failures) console.error(`meshparts gallery: ${part.name}`, error);
    fail(`${plural(whole.failures.length, 'part')} could not be loaded: ${whole.failures[0].error.message}`);
  }
}

function setExploded(exploded) {
  state.exploded = exploded;
  setPressed($('explode'), exploded);
  $('explode-amount').hidden = !exploded;
  const target = exploded ? Number($('explode-amount').value) || EXPLODE_DEFAULT : 0;
  if (state.whole && exploded) state.viewer.frame(state.whole.boxAt(target));
  animateExplode(target);
}

/** Moves the parts to `target` over a short time, drawing each step. */
function animateExplode(target) {
  const whole = state.whole;
  if (!whole) return;
  const from = state.explodeAmount;
  const start = performance.now();
  const step = (now) => {
    const t = Math.min((now - start) / EXPLODE_MS, 1);
    const eased = 1 - (1 - t) ** 3;
    state.explodeAmount = from + (target - from) * eased;
    whole.explode(state.explodeAmount);
    state.viewer.requestRender();
    if (t < 1) requestAnimationFrame(step);
    else document.body.dataset.explode = String(target);
  };
  requestAnimationFrame(step);
}

function renderDetails(part) {
  const list = $('details');
  const rows = part ? partRows(part) : modelRows(state.manifest);
  list.replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  const url = part ? relativeUrl(part.file) : null;
  const download = $('download');
  download.hidden = !url;
  download.replaceChildren(
    url ? el('a', { href: url, download: `${part.name}.glb` }, `Download ${part.name}.glb`) : '',
  );
}

function partRows(part) {
  const sources = Array.isArray(part.sourceNames)
    ? part.sourceNames.filter((s) => typeof s === 'string')
    : [];
  return [
    ['Source name', firstText(part.sourceName, '–')],
    ...(sources.length > 0 ? [['Merged from', sources.join(', ')]] : []),
    ['Id', firstText(part.id, '–')],
    ['Triangles', formatCount(part.triangles)],
    ['Vertices', formatCount(part.vertices)],
    ['Materials', formatCount(part.materials)],
    ['Textures', formatCount(part.textures)],
    ['File size', formatBytes(part.byteLength)],
    ['Placements', formatCount(placementsOf(part))],
    ['Pivot', firstText(part.pivot, '–')],
    ...(part.parent ? [['Inside', String(part.parent)]] : []),
  ];
}

function modelRows(manifest) {
  const source = manifest.source ?? {};
  const box = boxOf(manifest.bounds);
  const size = box ? box.max.clone().sub(box.min) : null;
  return [
    ['Source', firstText(source.file, '–')],
    ['Strategy', [source.strategy, source.reason].filter(Boolean).join(': ') || '–'],
    ...(source.taskId ? [['Task', String(source.taskId)]] : []),
    ...(size ? [['Size', [size.x, size.y, size.z].map((v) => formatSize(v)).join(' × ')]] : []),
    ...(source.sceneNote ? [['Note', String(source.sceneNote)]] : []),
  ];
}

function formatSize(value) {
  return Number(value.toPrecision(3)).toString();
}

boot().catch((error) => fail(`the page failed to start: ${error.message}`, error));
