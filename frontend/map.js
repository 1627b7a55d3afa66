// A map of France by département (overseas in insets): how many fiches of the current search are in each, as a
// choropleth with a legend. Hover or focus gives the name and count; a click, Enter or Space toggles the
// Département facet. One Tab stop: the arrow keys move between the départements that have fiches. Its text
// alternative is the Département facet itself, listed below with the same counts.

import MAP from './vendor/france-departements.js';
import { typo, el, setChildren, fold, formatInteger, plural } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const CLASSES = 5; // colour classes for counts above zero
const key = (text) => fold(text).replace(/[^a-z0-9]+/g, ' ').trim();
const byCode = new Map(MAP.departements.map((d) => [d.code, d]));
const byName = new Map(MAP.departements.map((d) => [key(d.name), d]));

/** The map's département for a facet value: a name ("Sarthe"), a code ("72", "2A", "971") or both ("Sarthe (72)"). */
export function departementOf(value) {
  const text = String(value).trim();
  const code = text.match(/^(\d{2,3}|2[ab])$/i) || text.match(/\((\d{2,3}|2[ab])\)\s*$/i) || text.match(/^(\d{2,3}|2[ab])\s*[-–]/i);
  if (code) {
    const found = byCode.get(code[1].toUpperCase());
    if (found) return found;
  }
  return byName.get(key(text.replace(/\s*\((\d{2,3}|2[ab])\)\s*$/i, '').replace(/^(\d{2,3}|2[ab])\s*[-–]\s*/i, ''))) || null;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** Upper bounds of the colour classes: every count up to 5, else equal steps up to the largest count. */
export function classBounds(max) {
  if (max <= CLASSES) return Array.from({ length: max }, (_, i) => i + 1);
  const bounds = [];
  for (let i = 1; i <= CLASSES; i += 1) {
    const bound = Math.ceil((max * i) / CLASSES);
    if (!bounds.includes(bound)) bounds.push(bound);
  }
  return bounds;
}

/** Colour class 1 to 5 of a count: the classes in use are spread over the whole scale. */
function colourClass(bounds, count) {
  const index = Math.max(0, bounds.findIndex((b) => count <= b));
  return Math.round(((index + 1) * CLASSES) / bounds.length);
}

function countText(count) {
  return `${formatInteger(count)} ${plural(count, 'fiche', 'fiches')}`;
}

let built = null; // the SVG and its paths, built once and updated on each search

function build(container, onToggle) {
  const root = svg('svg', {
    viewBox: MAP.viewBox, class: 'map-svg', role: 'group', 'aria-labelledby': 'map-title', 'aria-describedby': 'map-note',
  });
  const paths = new Map();
  for (const d of MAP.departements) {
    if (d.inset) {
      const [x, y, w, h] = d.inset;
      root.append(svg('rect', { x, y, width: w, height: h, class: 'map-inset', 'aria-hidden': 'true' }));
    }
    const path = svg('path', { d: d.path, class: 'map-dep', 'data-code': d.code });
    root.append(path);
    paths.set(d.code, path);
  }
  const tip = el('div', { class: 'map-tip', 'aria-hidden': 'true', hidden: true });
  const legend = el('ul', { class: 'map-legend', 'aria-label': 'Légende de la carte' });
  const frame = el('div', { class: 'map-frame' }, root, tip);
  setChildren(container,
    el('h3', { id: 'map-title', class: 'map-title', text: 'Carte par département' }),
    frame,
    legend,
    el('p', {
      id: 'map-note',
      class: 'map-note muted',
      text: 'Les flèches passent d’un département à l’autre, Entrée ou Espace le filtre. La liste «\u00a0Département\u00a0» ci-dessous donne les mêmes comptes.',
    }),
    el('p', { class: 'map-note muted', text: 'Fond de carte : svg-maps de Victor Cazanave, licence CC BY 4.0.' }));
  built = { container, root, paths, tip, legend, frame, entries: new Map(), focusable: [], onToggle };

  const target = (event) => event.target.closest?.('path.is-active');
  root.addEventListener('click', (event) => {
    const path = target(event);
    if (path) toggle(path);
  });
  root.addEventListener('keydown', (event) => {
    const path = target(event);
    if (!path) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      toggle(path);
      return;
    }
    const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const list = built.focusable;
    const index = list.indexOf(path.dataset.code);
    const step = moves[event.key];
    let next = index + step;
    if (step === Infinity) next = list.length - 1;
    if (step === -Infinity) next = 0;
    next = (next + list.length) % list.length;
    focusCode(list[next]);
  });
  root.addEventListener('pointerover', (event) => { const path = target(event); if (path) showTip(path); });
  root.addEventListener('pointerout', (event) => { if (target(event) && document.activeElement?.closest?.('.map-svg') !== root) hideTip(); });
  root.addEventListener('focusin', (event) => { const path = target(event); if (path) showTip(path); });
  root.addEventListener('focusout', hideTip);
}

function toggle(path) {
  const entry = built.entries.get(path.dataset.code);
  if (entry) built.onToggle('departement', entry.value, !entry.selected);
}

function focusCode(code) {
  for (const [other, path] of built.paths) {
    if (path.classList.contains('is-active')) path.setAttribute('tabindex', other === code ? '0' : '-1');
  }
  built.paths.get(code).focus();
}

function showTip(path) {
  const entry = built.entries.get(path.dataset.code);
  if (!entry) return;
  built.tip.textContent = typo(`${entry.name} : ${countText(entry.count)}${entry.selected ? ' (filtre actif)' : ''}`);
  const box = path.getBoundingClientRect();
  const frame = built.frame.getBoundingClientRect();
  built.tip.hidden = false;
  const left = Math.min(Math.max(0, box.left - frame.left + box.width / 2 - built.tip.offsetWidth / 2), frame.width - built.tip.offsetWidth);
  built.tip.style.left = `${Math.max(0, left)}px`;
  built.tip.style.top = `${Math.max(0, box.top - frame.top - built.tip.offsetHeight - 4)}px`;
}

function hideTip() {
  if (built) built.tip.hidden = true;
}

/** Colour each département by its count in the Département facet of the current response. */
export function renderMap(container, values, state, onToggle) {
  if (!built || built.container !== container) build(container, onToggle);
  built.onToggle = onToggle;
  const selected = new Set(state.filters.departement || []);
  const entries = new Map();
  for (const entry of values || []) {
    const d = departementOf(entry.value);
    if (!d) continue;
    const isSelected = Boolean(entry.selected) || selected.has(entry.value);
    const previous = entries.get(d.code);
    entries.set(d.code, {
      name: d.name, value: entry.value, count: (previous?.count || 0) + entry.count, selected: isSelected || Boolean(previous?.selected),
    });
  }
  const max = Math.max(0, ...[...entries.values()].map((e) => e.count));
  const bounds = classBounds(max);
  const focusedCode = document.activeElement?.closest?.('.map-svg') === built.root ? document.activeElement.dataset.code : null;
  const focusable = [];
  for (const [code, path] of built.paths) {
    const entry = entries.get(code);
    const active = Boolean(entry && (entry.count > 0 || entry.selected));
    path.classList.toggle('is-active', active);
    path.classList.toggle('is-selected', Boolean(entry?.selected));
    path.setAttribute('data-class', active ? String(colourClass(bounds, entry.count)) : '0');
    if (active) {
      path.setAttribute('role', 'checkbox');
      path.setAttribute('aria-checked', String(entry.selected));
      path.setAttribute('aria-label', `${entry.name} : ${countText(entry.count)}`);
      path.removeAttribute('aria-hidden');
      path.dataset.key = `map:${code}`;
      focusable.push(code);
    } else {
      for (const name of ['role', 'aria-checked', 'aria-label', 'tabindex', 'data-key']) path.removeAttribute(name);
      path.setAttribute('aria-hidden', 'true');
    }
  }
  focusable.sort();
  built.entries = entries;
  built.focusable = focusable;
  const current = focusable.includes(focusedCode) ? focusedCode : focusable[0];
  for (const code of focusable) built.paths.get(code).setAttribute('tabindex', code === current ? '0' : '-1');
  container.hidden = focusable.length === 0;
  renderLegend(bounds);
  if (focusedCode && !focusable.includes(focusedCode)) hideTip();
}

function renderLegend(bounds) {
  const items = [el('li', {}, el('span', { class: 'map-swatch', 'data-class': '0', 'aria-hidden': 'true' }), 'aucune fiche')];
  let low = 1;
  bounds.forEach((high) => {
    const text = low === high ? countText(high) : `${formatInteger(low)} à ${countText(high)}`;
    items.push(el('li', {}, el('span', { class: 'map-swatch', 'data-class': String(colourClass(bounds, high)), 'aria-hidden': 'true' }), text));
    low = high + 1;
  });
  setChildren(built.legend, items);
}
