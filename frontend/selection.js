// "Ma sélection": any number of fiches collected while searching, kept in the browser (localStorage) and
// shown, printed or exported as a dossier whose URL carries the ids (`?selection=id1,id2,…`).

import { typo, el, setChildren, formatInteger, plural } from './format.js';
import { stateUrl, withChanges, idList } from './state.js';

const STORE = 'fiches-actions.selection';
const ORIGINS = 'fiches-actions.selection-searches'; // id → the search it was picked from (see `searchKey`)
let memory = []; // when localStorage is unavailable (private mode, blocked storage)
let memoryOrigins = {};

function storedOrigins() {
  try {
    const parsed = JSON.parse(window.localStorage.getItem(ORIGINS) || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return { ...memoryOrigins };
  }
}

function storeOrigins(origins) {
  memoryOrigins = origins;
  try {
    if (Object.keys(origins).length) window.localStorage.setItem(ORIGINS, JSON.stringify(origins));
    else window.localStorage.removeItem(ORIGINS);
  } catch {
    // as for the ids
  }
}

/** The searches the fiches `ids` were picked from, in the order of the selection, each once. */
export function selectionSearches(ids) {
  const origins = storedOrigins();
  return [...new Set(ids.filter((id) => typeof origins[id] === 'string').map((id) => origins[id]))];
}

export function storedSelection() {
  try {
    return idList((window.localStorage.getItem(STORE) || '').replace(/\s+/g, ','));
  } catch {
    return [...memory];
  }
}

export function storeSelection(ids, searches = null) {
  memory = [...new Set(ids)];
  const origins = storedOrigins();
  const kept = {};
  for (const id of memory) if (typeof origins[id] === 'string') kept[id] = origins[id];
  // a shared dossier adopted as one's selection: its ids come from its searches (one search: that one)
  if (searches && searches.length === 1) for (const id of memory) if (!(id in kept)) kept[id] = searches[0];
  storeOrigins(kept);
  try {
    if (memory.length) window.localStorage.setItem(STORE, memory.join(','));
    else window.localStorage.removeItem(STORE);
  } catch {
    // storage refused: the selection lives as long as the page, and in the dossier's URL
  }
}

/** Keep or drop fiche `id`; `search` (a `searchKey`) is the search it is picked from. */
export function toggleSelected(id, keep, search = '') {
  const ids = storedSelection().filter((other) => other !== id);
  if (keep) ids.push(id);
  if (keep) storeOrigins({ ...storedOrigins(), [id]: search });
  storeSelection(ids);
  return ids;
}

export function selectionLabel(count) {
  return `${formatInteger(count)} ${plural(count, 'fiche', 'fiches')} dans ma sélection`;
}

/** The "Ma sélection" checkbox of a card; app.js listens to its changes through `data-select`. */
export function selectToggle(hit) {
  const selected = storedSelection().includes(hit.id);
  return el('label', { class: 'select-toggle' },
    el('input', { type: 'checkbox', checked: selected, dataset: { select: hit.id, key: `select:${hit.id}` } }),
    'Ma sélection',
    el('span', { class: 'visually-hidden', text: ` : garder la fiche « ${hit.title || 'sans titre'} »` }));
}

/** The bar under the results: how many fiches are kept, "Voir ma sélection", "Vider". */
export function renderSelectionBar(bar, state, { onClear }) {
  const ids = storedSelection();
  bar.hidden = ids.length === 0;
  const status = bar.querySelector('.selection-status');
  const actions = bar.querySelector('.selection-actions');
  if (ids.length === 0) {
    status.textContent = '';
    actions.replaceChildren();
    return;
  }
  status.textContent = typo(selectionLabel(ids.length));
  setChildren(actions,
    el('a', {
      id: 'selection-open',
      class: 'button-link',
      href: stateUrl(withChanges(state, { selection: ids, searches: selectionSearches(ids), fiche: null, comparer: false })),
      dataset: { key: 'selection:open', selectionOpen: '1' },
    }, 'Voir ma sélection', el('span', { class: 'visually-hidden', text: ` (${formatInteger(ids.length)})` })),
    el('button', {
      type: 'button', class: 'secondary', dataset: { key: 'selection:clear' }, onclick: onClear,
    }, 'Vider', el('span', { class: 'visually-hidden', text: ' ma sélection' })));
}
