/**
 * A small element builder. Text always goes through textContent and attributes through
 * setAttribute with fixed names: names from models never reach innerHTML.
 */

/**
 * `el('span', { class: 'name' }, 'text', child)`: attributes with a null or false value are left
 * out; children are nodes or strings (strings become text nodes).
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/**
 * A name as text nodes with line-break opportunities (`<wbr>`) after `_`, `-` and `.` and inside
 * camelCase, so that a narrow card wraps `Cesium_Milk_Truck` as `Cesium_Milk_` / `Truck`, not
 * `Cesium_Milk_Truc` / `k`. The element's textContent stays the name.
 */
export function wrappable(name) {
  const nodes = [];
  for (const piece of String(name).split(/(?<=[_\-.])|(?<=\p{Ll})(?=\p{Lu})/u)) {
    if (piece === '') continue;
    if (nodes.length > 0) nodes.push(document.createElement('wbr'));
    nodes.push(document.createTextNode(piece));
  }
  return nodes;
}

/** Sets an element's text (or hides it when the text is empty). */
export function setText(element, text) {
  element.textContent = text;
  element.hidden = text === '';
}

/**
 * A thumbnail image, or a placeholder with the name's first letter when there is no thumbnail (a
 * pack written before thumbnails) or it fails to load.
 */
export function thumbnail(url, name, className) {
  const placeholder = () =>
    el('span', { class: `${className} placeholder`, 'aria-hidden': 'true' }, initial(name));
  if (!url) return placeholder();
  const image = el('img', { class: className, src: url, alt: '', decoding: 'async', loading: 'lazy' });
  image.addEventListener('error', () => image.replaceWith(placeholder()), { once: true });
  return image;
}

function initial(name) {
  const first = [...(name || '?').trim()][0];
  return first ? first.toUpperCase() : '?';
}
