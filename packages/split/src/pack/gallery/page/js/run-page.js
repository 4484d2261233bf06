import { creditLine } from './credit.js';
import { el, setText, thumbnail, wrappable } from './dom.js';
import { firstText, formatBytes, formatCount, plural, relativeUrl } from './format.js';

/**
 * The run page: reads catalog.json (beside index.html) and each pack's manifest.json, and shows one
 * card per pack that links to the pack's own page. <body data-state> is loading, ready or error.
 */

const $ = (id) => document.getElementById(id);
/** Manifests fetched at once. */
const FETCHES_IN_FLIGHT = 6;

function fail(message, error) {
  console.error(`meshparts gallery: ${message}`, error ?? '');
  const status = $('status');
  status.textContent = message;
  status.dataset.kind = 'error';
  document.body.dataset.state = 'error';
}

async function boot() {
  $('boot').remove();
  let catalog;
  try {
    const response = await fetch('catalog.json', { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    catalog = await response.json();
    if (!catalog || !Array.isArray(catalog.packs)) throw new Error('it has no packs list');
  } catch (error) {
    fail(`cannot read catalog.json: ${error.message}`, error);
    return;
  }
  $('generator').textContent = firstText(catalog.generator, 'meshparts');
  const packs = catalog.packs.filter((entry) => relativeUrl(entry?.pack) && relativeUrl(entry?.manifest));
  if (packs.length === 0) {
    $('packs').replaceWith(el('p', { class: 'empty' }, 'No packs yet.'));
    document.body.dataset.state = 'ready';
    return;
  }
  const cards = packs.map((entry, index) => packCard(entry, index));
  $('packs').replaceChildren(...cards.map((card) => card.item));
  $('filter').addEventListener('input', (event) => {
    const needle = event.target.value.trim().toLowerCase();
    for (const card of cards) card.item.hidden = needle !== '' && !card.text.toLowerCase().includes(needle);
    const none = needle !== '' && cards.every((card) => card.item.hidden);
    setText($('no-match'), none ? `No model name contains “${event.target.value.trim()}”.` : '');
  });
  const totals = { parts: 0, triangles: 0, bytes: 0, failed: 0 };
  const queue = [...cards];
  const worker = async () => {
    for (let card = queue.shift(); card; card = queue.shift()) await fillCard(card, totals);
  };
  await Promise.all(Array.from({ length: Math.min(FETCHES_IN_FLIGHT, queue.length) }, worker));
  setText(
    $('run-meta'),
    [
      plural(packs.length, 'model'),
      plural(totals.parts, 'part'),
      `${formatCount(totals.triangles)} triangles`,
      formatBytes(totals.bytes),
    ].join(' · '),
  );
  if (totals.failed > 0) fail(`${plural(totals.failed, 'manifest')} could not be read`);
  else document.body.dataset.state = 'ready';
}

function packCard(entry, index) {
  const packUrl = relativeUrl(entry.pack);
  // The pack page's way back: to this page, which is meshparts-gallery.html beside a user's index.html.
  const from = location.pathname.endsWith('/meshparts-gallery.html') ? 'run-beside' : 'run';
  const href = `${packUrl}/index.html?from=${from}`;
  const name = firstText(entry.model?.split(/[\\/]/).pop(), entry.pack);
  const thumbSlot = el('span', { class: 'thumb placeholder', 'aria-hidden': 'true' });
  const stats = el('span', { class: 'stats' }, plural(Number(entry.parts) || 0, 'part'));
  const item = el(
    'li',
    { class: 'card', 'data-index': index },
    el('a', { href, class: 'thumb-link', tabindex: '-1', 'aria-hidden': 'true' }, thumbSlot),
    el('a', { href, class: 'name' }, ...wrappable(name)),
    el('span', { class: 'source' }, entry.pack),
    stats,
  );
  return { item, entry, thumbSlot, stats, name, text: `${name} ${entry.pack}` };
}

async function fillCard(card, totals) {
  const { entry } = card;
  try {
    const response = await fetch(relativeUrl(entry.manifest), { cache: 'no-cache' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const manifest = await response.json();
    const parts = Array.isArray(manifest.parts) ? manifest.parts : [];
    const triangles = parts.reduce((n, part) => n + (Number(part.triangles) || 0) * placements(part), 0);
    const bytes = parts.reduce((n, part) => n + (Number(part.byteLength) || 0), 0);
    totals.parts += parts.length;
    totals.triangles += triangles;
    totals.bytes += bytes;
    card.stats.textContent = `${plural(parts.length, 'part')} · ${formatCount(triangles)} tris · ${formatBytes(bytes)}`;
    const thumb = relativeUrl(manifest.thumbnail);
    if (thumb) {
      card.thumbSlot.replaceWith(thumbnail(`${relativeUrl(entry.pack)}/${thumb}`, card.name, 'thumb'));
    }
    const credit = creditLine(manifest.source);
    if (credit) card.item.append(credit);
  } catch (error) {
    totals.failed++;
    card.stats.textContent = `manifest unreadable: ${error.message}`;
    console.error(`meshparts gallery: ${entry.manifest}`, error);
  }
}

function placements(part) {
  return Array.isArray(part.placements) && part.placements.length > 0 ? part.placements.length : 1;
}

boot().catch((error) => fail(`the page failed to start: ${error.message}`, error));
