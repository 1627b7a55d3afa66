// The result list: cards (near-duplicates come folded by the engine), pagination, places, the empty state
// with the close results ("approchants").

import {
  el, setChildren, snippetNodes, formatBudget, formatEtp, formatInteger, plural,
} from './format.js';
import { PAGE_SIZE, COMPARE_MAX, stateUrl, withChanges } from './state.js';
import { activeFilters, chipButton } from './facets.js';
import { selectToggle } from './selection.js';

function metaLine(hit) {
  const parts = [];
  if (hit.structure) parts.push(hit.structure);
  if (hit.departement) {
    parts.push(hit.departement_code ? `${hit.departement} (${hit.departement_code})` : hit.departement);
  }
  if (hit.year) parts.push(String(hit.year));
  return parts.join(' · ');
}

function tags(hit) {
  const items = [];
  if (hit.dimension) items.push(el('li', { class: 'tag tag-dimension', text: hit.dimension }));
  for (const word of hit.mots_cles || []) items.push(el('li', { class: 'tag', text: word }));
  return items.length ? el('ul', { class: 'tags', 'aria-label': 'Dimension et mots clés' }, items) : null;
}

export function figures(hit) {
  const items = [];
  const budget = formatBudget(hit.budget_eur);
  const etp = formatEtp(hit.etp);
  if (budget) items.push(el('li', {}, el('span', { class: 'figure-label', text: 'Budget : ' }), budget));
  if (etp) items.push(el('li', {}, el('span', { class: 'figure-label', text: 'Moyens humains : ' }), etp));
  return items.length ? el('ul', { class: 'figures' }, items) : null;
}

function ficheLink(state, hit, attrs = {}) {
  return el('a', {
    href: stateUrl(withChanges(state, { fiche: hit.id })),
    class: 'fiche-link',
    dataset: { fiche: hit.id, key: `hit:${hit.id}` },
    ...attrs,
  }, hit.title || 'Fiche sans titre');
}

function foldedList(state, folded, label) {
  const count = folded.length;
  const what = label ? ` : ${label}` : '';
  const summary = `${formatInteger(count)} ${plural(count, 'autre fiche', 'autres fiches')}${what}`;
  return el('details', { class: 'dups' },
    el('summary', { text: summary }),
    el('ul', {}, folded.map((hit) => el('li', {},
      ficheLink(state, hit),
      metaLine(hit) ? el('span', { class: 'muted', text: ` — ${metaLine(hit)}` }) : null))));
}

/** The "Comparer" checkbox of a card; app.js listens to its changes through `data-compare`. */
function compareToggle(state, hit) {
  const selected = state.compare.includes(hit.id);
  return el('label', { class: 'compare-toggle' },
    el('input', {
      type: 'checkbox',
      checked: selected,
      disabled: !selected && state.compare.length >= COMPARE_MAX,
      dataset: { compare: hit.id, key: `compare:${hit.id}` },
    }),
    'Comparer',
    el('span', { class: 'visually-hidden', text: ` la fiche « ${hit.title || 'sans titre'} »` }));
}

/** The notice of a fiche whose source text was cut off (`truncated`), on its card and its page. */
export function incompleteNotice(fiche) {
  return fiche.truncated ? el('p', { class: 'incomplete', text: 'Fiche incomplète : le texte source est coupé' }) : null;
}

/** "Comparer ces N fiches" right after a ticked "Comparer" box, once two fiches are ticked. */
function compareNow(state, hit) {
  const count = state.compare.length;
  if (count < 2 || !state.compare.includes(hit.id)) return null;
  return el('button', {
    type: 'button', class: 'link-button compare-now', dataset: { compareOpen: '1', key: `compare-now:${hit.id}` },
  }, `Comparer ces ${formatInteger(count)} fiches`);
}

/** One result card (with its "Comparer" checkbox when `comparable`); the other fiches of its group folded. */
export function card(state, hit, folded = hit.autres || [], headingLevel = 2, comparable = false) {
  const snippet = hit.snippet ? el('p', { class: 'snippet' }, snippetNodes(hit.snippet)) : null;
  const shared = hit.commun && hit.commun.length
    ? el('p', { class: 'commun' }, el('span', { class: 'figure-label', text: 'En commun : ' }), hit.commun.join(', '))
    : null;
  return el('article', { class: 'card' },
    el(`h${headingLevel}`, { class: 'card-title' }, ficheLink(state, hit)),
    metaLine(hit) ? el('p', { class: 'card-meta', text: metaLine(hit) }) : null,
    incompleteNotice(hit),
    shared,
    snippet,
    tags(hit),
    figures(hit),
    folded.length ? foldedList(state, folded, hit.libelle_doublons) : null,
    comparable ? el('div', { class: 'card-actions' }, compareToggle(state, hit), compareNow(state, hit), selectToggle(hit)) : null);
}

export function renderResults(list, state, hits) {
  setChildren(list, hits.map((hit) => el('li', {}, card(state, hit, hit.autres || [], 2, true))));
}

/** The départements named in the query, offered as filters: "Filtrer sur Bouches-du-Rhône (13)". */
export function renderPlaces(node, response, onFilter) {
  const places = ((response && response.lieux) || []).filter((place) => !place.selected);
  node.hidden = places.length === 0;
  setChildren(node, places.map((place) => {
    const label = `${place.nom} (${place.code})`;
    return el('button', {
      type: 'button',
      class: 'place-filter',
      dataset: { key: `place:${place.code}` },
      onclick: () => onFilter(label),
    }, `Filtrer sur ${label}`);
  }));
}

/** Page links: first, last, and two either side of the current page. */
export function renderPager(nav, state, total, size = PAGE_SIZE) {
  const pages = Math.max(1, Math.ceil(total / size));
  if (pages <= 1) {
    nav.replaceChildren();
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  const current = Math.min(state.page, pages);
  const link = (page, text, attrs = {}) => el('a', {
    href: stateUrl(withChanges(state, { page, fiche: null })),
    dataset: { page: String(page), key: `page:${attrs.rel || page}` },
    ...attrs,
  }, text);
  const items = [];
  if (current > 1) items.push(el('li', {}, link(current - 1, '‹ Précédente', { rel: 'prev' })));
  let last = 0;
  for (let page = 1; page <= pages; page += 1) {
    if (page !== 1 && page !== pages && Math.abs(page - current) > 2) continue;
    if (page - last > 1) items.push(el('li', { class: 'gap', 'aria-hidden': 'true', text: '…' }));
    items.push(el('li', {}, page === current
      ? link(page, formatInteger(page), { 'aria-current': 'page', 'aria-label': `Page ${page}, page actuelle` })
      : link(page, formatInteger(page), { 'aria-label': `Page ${page}` })));
    last = page;
  }
  if (current < pages) items.push(el('li', {}, link(current + 1, 'Suivante ›', { rel: 'next' })));
  setChildren(nav, el('ul', {}, items));
}

/** "Vouliez-vous dire … ?" as a link to the corrected search, when the API has one. */
export function renderSuggestion(node, state, response, setQuery) {
  const suggestion = response && response.suggestion;
  if (!suggestion || suggestion === state.q) {
    node.hidden = true;
    node.replaceChildren();
    return;
  }
  node.hidden = false;
  setChildren(node, 'Vouliez-vous dire ',
    el('a', {
      href: stateUrl(withChanges(state, { q: suggestion, page: 1, fiche: null })),
      dataset: { key: 'suggestion' },
      onclick: (event) => { event.preventDefault(); setQuery(suggestion); },
    }, el('strong', { text: suggestion })),
    ' ?');
}

/** After the last hits of a short result set: the close results, apart, under a line that says what they are. */
export function renderNear(container, state, response) {
  const near = (response && response.total > 0 && response.approchants) || [];
  container.hidden = !near.length;
  if (!near.length) {
    container.replaceChildren();
    return;
  }
  setChildren(container,
    el('h2', { text: 'Fiches approchantes' }),
    el('p', { text: `${formatInteger(near.length)} ${plural(near.length, 'autre fiche contient', 'autres fiches contiennent')} une partie des mots de votre recherche, pas tous\u00a0:` }),
    el('ol', { class: 'results approchants' }, near.map((hit) => el('li', {}, card(state, hit, hit.autres || [], 3)))));
}

/** No result: say so, show the close results, and list the filters to remove ("did you mean" sits above). */
export function renderEmpty(container, state, response, handlers) {
  if (!response || response.total > 0) {
    container.replaceChildren();
    return;
  }
  const near = response.approchants || [];
  if (near.length) {
    setChildren(container,
      el('h2', { text: 'Aucune fiche ne contient tous les mots de votre recherche' }),
      el('p', { text: `${formatInteger(near.length)} ${plural(near.length, 'fiche approchante', 'fiches approchantes')}, qui en contiennent une partie :` }),
      el('ol', { class: 'results approchants' }, near.map((hit) => el('li', {}, card(state, hit, hit.autres || [], 3)))));
    return;
  }
  const blocks = [el('h2', { text: 'Aucune fiche ne correspond à votre recherche' })];
  const filters = activeFilters(state);
  if (filters.length) {
    blocks.push(el('p', { text: 'Essayez de retirer un de ces filtres :' }));
    blocks.push(el('ul', { class: 'chip-list' }, filters.map((f) => el('li', {}, chipButton(f, handlers.removeFilter)))));
  }
  blocks.push(el('p', { class: 'muted', text: 'Conseils : vérifiez l’orthographe, utilisez des mots plus généraux ou moins de mots.' }));
  setChildren(container, blocks);
}
