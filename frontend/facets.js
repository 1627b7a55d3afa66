// The filter sidebar: facet checkboxes, range inputs and the chips of active filters.

import { FACETS, RANGES } from './state.js';
import {
  typo, el, setChildren, fold, displayValue, formatInteger, formatBudget, formatEtp, plural, parseUserNumber,
} from './format.js';

const SHORT_LIST = 6; // values shown before "voir plus"
const FILTER_BOX_FROM = 8; // values from which a facet gets a filter box
const expanded = new Set(); // facets whose full list is open (kept across renders)
const filterText = new Map(); // facet → text typed in its filter box

/** Render every facet of the API response as a fieldset of checkboxes. */
export function renderFacets(container, facets, state, onToggle) {
  const blocks = [];
  // In the order the API sends them; labels come from the catalogue.
  for (const [key, values] of Object.entries(facets || {})) {
    const facet = FACETS.find((f) => f.key === key);
    if (!facet || !values || values.length === 0) continue;
    blocks.push(facetFieldset(facet, values, state, onToggle));
  }
  if (blocks.length === 0) blocks.push(el('p', { class: 'muted', text: 'Aucun filtre disponible.' }));
  setChildren(container, blocks);
}

function facetFieldset(facet, values, state, onToggle) {
  const listId = `facet-list-${facet.key}`;
  const list = el('ul', { class: 'facet-values', id: listId });
  values.forEach((entry, index) => {
    const id = `facet-${facet.key}-${index}`;
    const selected = entry.selected || state.filters[facet.key].includes(entry.value);
    const input = el('input', {
      type: 'checkbox',
      id,
      checked: selected,
      dataset: { key: `facet:${facet.key}:${entry.value}` },
      onchange: (event) => onToggle(facet.key, entry.value, event.target.checked),
    });
    const label = el('label', { for: id },
      el('span', { class: 'facet-label', text: entry.value }),
      el('span', { class: 'facet-count' },
        formatInteger(entry.count),
        el('span', { class: 'visually-hidden', text: ` ${plural(entry.count, 'fiche', 'fiches')}` })));
    list.append(el('li', { dataset: { fold: fold(entry.value), selected: selected ? '1' : '' } }, input, label));
  });

  const fieldset = el('fieldset', { class: 'facet', dataset: { facet: facet.key } },
    el('legend', { text: facet.label }));
  if (values.length >= FILTER_BOX_FROM) {
    const boxId = `facet-filter-${facet.key}`;
    const box = el('input', {
      type: 'search',
      id: boxId,
      class: 'facet-filter',
      value: filterText.get(facet.key) || '',
      'aria-controls': listId,
      dataset: { key: `filter:${facet.key}` },
      oninput: (event) => {
        filterText.set(facet.key, event.target.value);
        updateVisibility(fieldset, facet.key);
      },
    });
    fieldset.append(el('label', { for: boxId, class: 'facet-filter-label', text: `Filtrer la liste « ${facet.label} »` }), box);
  }
  fieldset.append(list);
  if (values.length > SHORT_LIST) {
    const more = el('button', {
      type: 'button',
      class: 'link-button facet-more',
      'aria-controls': listId,
      dataset: { key: `more:${facet.key}` },
      onclick: () => {
        if (expanded.has(facet.key)) expanded.delete(facet.key); else expanded.add(facet.key);
        updateVisibility(fieldset, facet.key);
      },
    });
    fieldset.append(more);
  }
  fieldset.append(el('p', { class: 'facet-none muted', hidden: true, text: 'Aucune valeur ne correspond.' }));
  updateVisibility(fieldset, facet.key);
  return fieldset;
}

/** Show the short list, the full list, or the values matching the filter box. */
function updateVisibility(fieldset, key) {
  const items = [...fieldset.querySelectorAll('.facet-values > li')];
  const needle = fold((filterText.get(key) || '').trim());
  const open = expanded.has(key);
  let shown = 0;
  items.forEach((li, index) => {
    const visible = needle
      ? li.dataset.fold.includes(needle)
      : open || index < SHORT_LIST || li.dataset.selected === '1';
    li.hidden = !visible;
    if (visible) shown += 1;
  });
  const more = fieldset.querySelector('.facet-more');
  if (more) {
    more.hidden = Boolean(needle);
    more.setAttribute('aria-expanded', String(open));
    const hiddenCount = items.length - Math.min(items.length, SHORT_LIST);
    more.textContent = typo(open ? 'Afficher moins' : `Afficher ${hiddenCount === 1 ? 'l’autre' : `les ${formatInteger(hiddenCount)} autres`}`);
  }
  fieldset.querySelector('.facet-none').hidden = shown > 0;
}

// A range whose key is also a facet's (the years: « Période » and the « Année » boxes) is drawn inside that
// facet's fieldset, so the two make one control; its inputs still belong to the ranges form (`form=`).
const attached = new Map(); // facet key → the range block drawn in its fieldset
let rangeProblems = {}; // input name → message shown next to that field (kept across renders)

const BOUND_WORDS = { min: 'Minimum', max: 'Maximum' };
const PERIOD_WORDS = { min: 'De', max: 'À' };

function rangeBlock(range, state, form, apply, inFacet) {
  const words = inFacet ? PERIOD_WORDS : BOUND_WORDS;
  const inputs = ['min', 'max'].map((bound) => {
    const name = `${range.key}_${bound}`;
    const id = `range-${name}`;
    const problem = rangeProblems[name] || '';
    return el('div', { class: 'range-bound' },
      el('label', { for: id, text: words[bound] }),
      el('input', {
        type: 'text',
        id,
        name,
        form: form.id,
        inputmode: range.key === 'etp' ? 'decimal' : 'numeric',
        value: state.ranges[name],
        size: 8,
        dataset: { key: `range:${name}` },
        'aria-describedby': `${id}-error`,
        'aria-invalid': problem ? 'true' : null,
        onchange: () => apply(),
      }),
      el('p', { id: `${id}-error`, class: 'field-error', 'aria-live': 'polite', text: problem }));
  });
  return el('fieldset', { class: inFacet ? 'range period' : 'range', dataset: { range: range.key } },
    el('legend', { text: inFacet ? 'Période' : range.label }), el('div', { class: 'range-inputs' }, inputs));
}

/**
 * The range inputs (budget, ETP, years), applied on change or with the button. `problems` (input name →
 * message, e.g. from the API's 422) are shown next to their field. The year range is kept for the Année facet
 * (`attachedRange`), or drawn here when that facet is not shown.
 */
export function renderRanges(form, state, onApply, problems = null) {
  rangeProblems = { ...(problems || {}), ...inverted(state) }; // ours says it best for an inverted range
  const apply = (event) => {
    if (event) event.preventDefault();
    const values = readRanges(form);
    if (values) onApply(values);
  };
  attached.clear();
  const blocks = [];
  for (const range of RANGES) {
    if (FACETS.some((f) => f.key === range.key)) attached.set(range.key, rangeBlock(range, state, form, apply, true));
    else blocks.push(rangeBlock(range, state, form, apply, false));
  }
  const submit = el('button', { type: 'submit', class: 'secondary', dataset: { key: 'range:apply' }, text: 'Appliquer' });
  setChildren(form, blocks, submit);
  form.onsubmit = apply;
}

/**
 * Put each attached range block (the Période) in its facet's fieldset, right under the legend, in place of
 * the one drawn before; with no such fieldset (the facet has no value), at the top of the ranges form.
 */
export function placeAttachedRanges(facets, form) {
  for (const [key, block] of attached) {
    const fieldset = facets.querySelector(`fieldset[data-facet="${CSS.escape(key)}"]`);
    const old = document.querySelector(`fieldset[data-range="${CSS.escape(key)}"]`);
    if (old === block) continue;
    if (old) old.remove();
    if (fieldset) fieldset.querySelector('legend').after(block);
    else form.prepend(block);
  }
}

/** A minimum above its maximum (a hand-edited URL): said next to the minimum rather than find nothing. */
function inverted(state) {
  const problems = {};
  for (const range of RANGES) {
    const low = state.ranges[`${range.key}_min`];
    const high = state.ranges[`${range.key}_max`];
    const min = parseUserNumber(low);
    const max = parseUserNumber(high);
    if (min === null || max === null || Number.isNaN(min) || Number.isNaN(max) || min <= max) continue;
    problems[`${range.key}_min`] = `Le minimum (${low}) est supérieur au maximum (${high}) : aucune fiche ne peut correspondre. Inversez-les ou corrigez l’un des deux.`;
    problems[`${range.key}_max`] = `Le maximum (${high}) est inférieur au minimum (${low}).`;
  }
  return problems;
}

function showProblem(input, message) {
  const error = document.getElementById(`${input.id}-error`);
  if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  if (error) error.textContent = typo(message || '');
}

/** The typed bounds as URL values, or null (each problem shown next to its field, the first one focused). */
function readRanges(form) {
  const values = {};
  let first = null;
  for (const range of RANGES) {
    const bounds = {};
    for (const bound of ['min', 'max']) {
      const input = form.elements[`${range.key}_${bound}`];
      const number = parseUserNumber(input.value);
      const bad = Number.isNaN(number);
      showProblem(input, bad ? `Saisissez un nombre positif, par exemple ${range.key === 'budget' ? '1500, 10k ou 15 k€' : range.key === 'etp' ? '0,5' : '2019'}.` : '');
      if (bad) first = first || input;
      bounds[bound] = bad ? null : number;
      values[`${range.key}_${bound}`] = number === null || bad ? '' : String(number);
    }
    if (bounds.min !== null && bounds.max !== null && bounds.min > bounds.max) {
      const input = form.elements[`${range.key}_min`];
      showProblem(input, 'Le minimum doit être inférieur ou égal au maximum.');
      form.elements[`${range.key}_max`].setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  if (first) {
    first.focus();
    return null;
  }
  return values;
}

/** Describe a range filter for a chip: "Budget : de 1 000 € à 5 000 €". */
function rangeText(range, min, max) {
  const show = (v) => {
    if (range.format === 'budget') return formatBudget(Number(v));
    if (range.format === 'etp') return formatEtp(Number(v));
    return v;
  };
  if (min !== '' && max !== '') return `${range.chip} : de ${show(min)} à ${show(max)}`;
  if (min !== '') return `${range.chip} : au moins ${show(min)}`;
  return `${range.chip} : au plus ${show(max)}`;
}

/** Every active filter as {key, value, text}: one per facet value, one per range. */
export function activeFilters(state) {
  const list = [];
  for (const facet of FACETS) {
    for (const value of state.filters[facet.key]) {
      list.push({ key: facet.key, value, text: `${facet.label} : ${displayValue(value)}` });
    }
  }
  for (const range of RANGES) {
    const min = state.ranges[`${range.key}_min`];
    const max = state.ranges[`${range.key}_max`];
    if (min !== '' || max !== '') list.push({ key: range.key, range: true, text: rangeText(range, min, max) });
  }
  return list;
}

/** A button that removes one active filter; its name says so to screen readers. */
export function chipButton(filter, onRemove, key = null) {
  return el('button', { type: 'button', class: 'chip', dataset: key ? { key } : {}, onclick: () => onRemove(filter) },
    el('span', { class: 'visually-hidden', text: 'Retirer le filtre ' }),
    filter.text,
    el('span', { class: 'chip-x', 'aria-hidden': 'true', text: '×' }));
}

/** Removable chips of the active filters, and "tout effacer". */
export function renderChips(container, state, onRemove, onClear) {
  const filters = activeFilters(state);
  if (filters.length === 0) {
    container.replaceChildren();
    return;
  }
  const items = filters.map((f) => el('li', {}, chipButton(f, onRemove, `chip:${f.key}:${f.value ?? ''}`)));
  setChildren(container,
    el('h2', { class: 'chips-title', id: 'chips-title', text: 'Filtres actifs' }),
    el('ul', { class: 'chip-list', 'aria-labelledby': 'chips-title' }, items),
    el('button', { type: 'button', class: 'link-button clear-all', dataset: { key: 'chip:clear' }, onclick: onClear, text: 'Effacer les filtres' }));
}
