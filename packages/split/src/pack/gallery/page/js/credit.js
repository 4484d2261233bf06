import { el } from './dom.js';

const URL_PATTERN = /https?:\/\/[^\s<>"')\]]+/g;

/**
 * A licence or attribution string as text with its http(s) URLs as links. The text comes from the
 * model (asset.copyright, asset.extras): it is only ever text nodes, and only http(s) URLs become
 * links (never javascript: or data:), opened without a referrer.
 */
export function linkified(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    if (match.index > last) nodes.push(text.slice(last, match.index));
    nodes.push(el('a', { href: match[0], rel: 'noopener noreferrer', target: '_blank' }, match[0]));
    last = match.index + match[0].length;
  }
  if (last < text.length) nodes.push(text.slice(last));
  return nodes;
}

/**
 * The licence and attribution line of a manifest's source (`source.license`,
 * `source.attribution`), or null when it has neither.
 */
export function creditLine(source) {
  const license = typeof source?.license === 'string' ? source.license.trim() : '';
  const attribution = typeof source?.attribution === 'string' ? source.attribution.trim() : '';
  if (!license && !attribution) return null;
  const line = el('p', { class: 'credit' });
  if (license) line.append(el('span', { class: 'label' }, 'Licence'), ' ', ...linkified(license));
  if (license && attribution) line.append(el('span', { class: 'sep', 'aria-hidden': 'true' }, ' · '));
  if (attribution) line.append(el('span', { class: 'label' }, 'Credit'), ' ', ...linkified(attribution));
  return line;
}
