// Entry point: keeps the state in the URL, runs searches, switches between results, fiche and comparison.

import {
  parseState, stateUrl, apiQuery, withChanges, emptyState, sameSearch, viewOf, PAGE_SIZE, loadCatalogue, searchKey,
  SORT_LABELS,
} from './state.js';
import {
  searchFiches, exportUrl, cached, isCached, getJSON,
} from './api.js';
import {
  typo, el, setChildren, countLabel, formatInteger, plural, shortQuery, resultsHeading,
} from './format.js';
import {
  renderFacets, renderRanges, renderChips, activeFilters, placeAttachedRanges,
} from './facets.js';
import {
  renderResults, renderPager, renderEmpty, renderNear, renderSuggestion, renderPlaces,
} from './results.js';
import { loadFiche } from './fiche.js';
import { renderCompareBar, loadComparison, setPrintOrientation } from './compare.js';
import { renderMap } from './map.js';
import { setupSheet } from './sheet.js';
import {
  renderSelectionBar, toggleSelected, storeSelection, storedSelection, selectionSearches,
} from './selection.js';
import { loadDossier } from './dossier.js';
import { renderLanding } from './landing.js';
import { setupSuggestions } from './suggest.js';
import { loadStructure, openStructure, structureOf, structureUrl } from './structure.js';
import { $, dom, plainClick } from './dom.js';

const SITE = 'Fiches actions des centres sociaux';
const TYPING_DELAY = 300;
const sheet = setupSheet({
  sheet: dom.filters,
  toggle: dom.filtersToggle,
  close: $('sheet-close'),
  apply: $('sheet-apply'),
  outside: [document.querySelector('.site-header'), dom.searchView, document.querySelector('.site-footer'), document.querySelector('.skip-links')],
  onShow: () => dom.heading.focus(),
});

// Facets, ranges, sorts and page size come from the server's field catalogue.
try {
  loadCatalogue(await getJSON('api/catalogue'));
} catch (error) {
  dom.alert.textContent = typo(`${error.message} Rechargez la page pour réessayer.`);
  throw error;
}
// The sorts, with the way each one sorts ("Budget croissant (le plus faible d'abord)").
setChildren(dom.sort, SORT_LABELS.map((s) => el('option', { value: s.name, text: s.label })));

// The places named in the query, offered as filters, just below "Vouliez-vous dire … ?".
dom.places = el('p', { id: 'places', class: 'places', hidden: true });
dom.didYouMean.after(dom.places);

let state = parseState(window.location.search);
let lastFiche = null; // id of the fiche shown last, to put the focus back on its link
let searchController = null;
let pending = 0;
let typingTimer = null;

function setBusy(delta) {
  pending = Math.max(0, pending + delta);
  dom.busy.hidden = pending === 0;
  dom.results.setAttribute('aria-busy', String(pending > 0));
}

/** Move to a new state: push (or replace) a history entry, then render it. */
function navigate(next, { replace = false, typing = false, focus = 'keep', backSteps = 0 } = {}) {
  const entry = { typing, backSteps };
  if (replace) window.history.replaceState(entry, '', stateUrl(next));
  else window.history.pushState(entry, '', stateUrl(next));
  state = next;
  render(focus);
}

function render(focus) {
  const structureId = structureOf(window.location.search); // `?structure=ID`: the structure page
  const view = structureId ? 'structure' : viewOf(state);
  document.body.dataset.view = view;
  dom.structureView.hidden = view !== 'structure';
  dom.searchView.hidden = view !== 'search';
  dom.filters.hidden = view !== 'search';
  dom.ficheView.hidden = view !== 'fiche';
  dom.compareView.hidden = view !== 'compare';
  dom.selectionView.hidden = view !== 'selection';
  setPrintOrientation(view);
  if (view !== 'search') sheet.close();
  if (document.activeElement !== dom.q) dom.q.value = state.q;
  if (view === 'structure') showStructure(structureId, focus);
  else if (view === 'fiche') showFiche(state, focus);
  else if (view === 'compare') showComparison(state, focus);
  else if (view === 'selection') showDossier(state, focus);
  else runSearch(state, focus);
}

// ---- Search ----------------------------------------------------------------------------

function runSearch(current, focus) {
  const query = apiQuery(current);
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  const fromCache = isCached(`search?${query}`);
  if (!fromCache) setBusy(+1);
  cached(`search?${query}`, () => searchFiches(query, { signal: controller.signal }))
    .then((response) => {
      if (searchController !== controller) return;
      dom.alert.replaceChildren();
      const pages = Math.max(1, Math.ceil(response.total / PAGE_SIZE));
      if (response.total > 0 && current.page > pages) {
        navigate(withChanges(current, { page: pages }), { replace: true, focus });
        return;
      }
      showResults(current, response, focus);
    })
    .catch((error) => {
      if (error.name === 'AbortError' || searchController !== controller) return;
      showError(current, error);
    })
    .finally(() => { if (!fromCache) setBusy(-1); });
}

function showResults(current, response, focus) {
  const focusKey = focus === 'keep' ? document.activeElement?.dataset?.key : null;
  const total = response.total;
  dom.heading.textContent = resultsHeading(current.q);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const pageText = pages > 1 ? `, page ${formatInteger(current.page)} sur ${formatInteger(pages)}` : '';
  const counted = countLabel(total, response.total_fiches);
  dom.count.textContent = typo(`${counted}${pageText}`);
  document.title = typo(`${current.q ? `«\u00a0${shortQuery(current.q)}\u00a0»\u00a0: ` : ''}${counted}${pageText} – ${SITE}`);
  dom.sort.value = current.sort;
  const exportQuery = apiQuery(current, { paged: false });
  dom.csv.href = exportUrl('csv', exportQuery);
  dom.json.href = exportUrl('json', exportQuery);
  dom.tableur.href = exportUrl('tableur', exportQuery);
  dom.exports.hidden = total === 0;
  sheet.setCount(total);
  renderMap(dom.map, response.facets?.departement, current, toggleFacet);
  renderLanding(dom.landing, current, response, toggleFacet);

  if (document.activeElement?.form !== dom.ranges || focus !== 'keep') renderRanges(dom.ranges, current, setRanges);
  renderFacets(dom.facets, response.facets, current, toggleFacet);
  placeAttachedRanges(dom.facets, dom.ranges);
  renderChips(dom.chips, current, removeFilter, clearFilters);
  renderResults(dom.results, current, response.hits || []);
  renderPager(dom.pager, current, total);
  renderSuggestion(dom.didYouMean, current, response, (q) => { dom.q.value = q; setQuery(q); });
  renderPlaces(dom.places, response, (label) => toggleFacet('departement', label, true));
  renderEmpty(dom.empty, current, response, { removeFilter });
  renderNear(dom.near, current, response);
  renderCompareBar(dom.compareBar, current, { onOpen: openComparison, onClear: () => setCompare([]) });
  renderSelectionBar(dom.selectionBar, current, { onClear: clearSelection });
  const active = activeFilters(current).length;
  dom.filtersCount.textContent = typo(active ? `(${formatInteger(active)} ${plural(active, 'actif', 'actifs')})` : '');

  restoreFocus(focus, focusKey);
}

/**
 * The API refused or failed: say why, keep the heading in step with the box, offer "Réessayer", and keep the
 * filters at hand; a refused range bound (422 naming it) is also said next to its field.
 */
function showError(current, error) {
  const { message } = error;
  dom.heading.textContent = resultsHeading(current.q);
  const field = error.detail?.parameter;
  const rangeField = field && Object.hasOwn(current.ranges, field) ? field : null;
  setChildren(dom.alert, el('p', { text: message }),
    rangeField
      ? el('button', {
        type: 'button', class: 'secondary', dataset: { key: 'fix' },
        onclick: () => { sheet.open(); document.getElementById(`range-${rangeField}`)?.focus(); },
      }, 'Corriger le filtre')
      : el('button', { type: 'button', class: 'secondary', dataset: { key: 'retry' }, onclick: () => render('keep') }, 'Réessayer'));
  dom.count.textContent = 'Aucun résultat affiché';
  document.title = `Erreur de recherche – ${SITE}`;
  dom.results.replaceChildren();
  dom.empty.replaceChildren();
  renderPager(dom.pager, current, 0);
  renderSuggestion(dom.didYouMean, current, null, setQuery);
  renderPlaces(dom.places, null, null);
  renderRanges(dom.ranges, current, setRanges, rangeField ? { [rangeField]: message } : null);
  placeAttachedRanges(dom.facets, dom.ranges);
  renderChips(dom.chips, current, removeFilter, clearFilters);
}

function restoreFocus(focus, focusKey) {
  if (focus === 'keep') {
    if (!focusKey || document.activeElement?.dataset?.key === focusKey) return;
    const target = [...document.querySelectorAll('[data-key]')].find((node) => node.dataset.key === focusKey);
    (target || dom.heading).focus();
  } else if (focus === 'results') {
    dom.heading.focus();
    dom.heading.scrollIntoView({ block: 'start' });
  } else if (focus === 'compare-return') {
    ($('compare-open') || dom.heading).focus();
  } else if (focus === 'selection-return') {
    ($('selection-open') || dom.heading).focus();
  } else if (focus === 'return' && lastFiche) {
    const link = dom.results.querySelector(`a[data-fiche="${CSS.escape(lastFiche)}"]`);
    if (link) link.focus(); else dom.heading.focus();
  }
}

function setQuery(q, { typing = false } = {}) {
  const next = withChanges(state, { q: q.trim(), page: 1, partiesPage: 1, fiche: null, comparer: false });
  const onResults = viewOf(state) === 'search';
  if (onResults && sameSearch(next, state)) return;
  const replace = typing && Boolean(window.history.state?.typing) && onResults;
  navigate(next, { replace, typing, focus: 'keep' });
}

function toggleFacet(key, value, checked) {
  const values = state.filters[key].filter((v) => v !== value);
  if (checked) values.push(value);
  navigate(withChanges(state, { filters: { ...state.filters, [key]: values }, page: 1 }));
}

function setRanges(ranges) {
  const next = withChanges(state, { ranges: { ...state.ranges, ...ranges }, page: 1 });
  if (!sameSearch(next, state)) navigate(next);
}

function removeFilter(filter) {
  const next = withChanges(state, { page: 1 });
  if (filter.range) {
    next.ranges[`${filter.key}_min`] = '';
    next.ranges[`${filter.key}_max`] = '';
  } else {
    next.filters[filter.key] = state.filters[filter.key].filter((v) => v !== filter.value);
  }
  navigate(next);
}

function clearFilters() {
  const blank = emptyState();
  navigate(withChanges(state, { filters: blank.filters, ranges: blank.ranges, page: 1 }), { focus: 'results' });
}

// ---- Fiche -----------------------------------------------------------------------------

function showFiche(current, focus) {
  lastFiche = current.fiche;
  loadFiche(dom.ficheView, current, { setBusy, site: SITE, focus: focus !== 'none', onBack: backToResults });
}

function backToResults(event) {
  if (event && (event.ctrlKey || event.metaKey || event.shiftKey || event.button > 0)) return;
  if (event) event.preventDefault();
  const steps = window.history.state?.backSteps || 0;
  if (steps > 0) window.history.go(-steps);
  else navigate(withChanges(state, { fiche: null }), { focus: 'return' });
}

function showStructure(id, focus) {
  loadStructure(dom.structureView, id, {
    setBusy, site: SITE, focus: focus !== 'none', home: () => navigate(withChanges(state, { fiche: null }), { focus: 'results' }),
  });
}

// ---- Comparison ------------------------------------------------------------------------

function setCompare(ids, focus = 'keep') {
  navigate(withChanges(state, { compare: ids, comparer: state.comparer && ids.length > 0 }), { focus });
}

function openComparison() {
  navigate(withChanges(state, { comparer: true, fiche: null }), { focus: 'compare' });
}

function showComparison(current, focus) {
  loadComparison(dom.compareView, current, {
    setBusy,
    site: SITE,
    focus: focus !== 'none' && focus !== 'keep',
    onBack: () => navigate(withChanges(state, { comparer: false }), { focus: 'compare-return' }),
    onRemove: (id) => setCompare(state.compare.filter((other) => other !== id), 'compare'),
  });
}

// ---- Ma sélection ----------------------------------------------------------------------

function clearSelection() {
  storeSelection([]);
  for (const box of document.querySelectorAll('input[data-select]')) box.checked = false;
  renderSelectionBar(dom.selectionBar, state, { onClear: clearSelection });
  dom.heading.focus();
}

function setDossier(ids, searches = state.searches) {
  navigate(withChanges(state, { selection: ids, searches, fiche: null }), { focus: ids.length ? 'keep' : 'results' });
}

function showDossier(current, focus) {
  loadDossier(dom.selectionView, current, {
    setBusy,
    site: SITE,
    focus: focus !== 'none' && focus !== 'keep',
    onBack: (event) => {
      if (event && !plainClick(event)) return;
      if (event) event.preventDefault();
      navigate(withChanges(state, { selection: [], searches: [] }), { focus: 'selection-return' });
    },
    onRemove: (id) => {
      const ids = state.selection.filter((other) => other !== id);
      const mine = storedSelection().join(',') === state.selection.join(',');
      if (mine) storeSelection(ids);
      setDossier(ids, mine ? selectionSearches(ids) : state.searches);
    },
    onAdopt: () => {
      storeSelection(state.selection, state.searches);
      render('keep');
    },
    onClear: () => {
      storeSelection([]);
      setDossier([]);
    },
  });
}

// ---- Events ----------------------------------------------------------------------------

document.addEventListener('click', (event) => {
  if (event.target.closest('button[data-compare-open]')) {
    openComparison();
    return;
  }
  const link = event.target.closest('a');
  if (!link || !plainClick(event)) return;
  if (link.dataset.structure) {
    event.preventDefault();
    openStructure(link.dataset.structure, () => render('structure'));
  } else if (link.dataset.fiche) {
    event.preventDefault();
    const backSteps = (state.fiche ? window.history.state?.backSteps || 0 : 0) + 1;
    navigate(withChanges(state, { fiche: link.dataset.fiche }), { backSteps, focus: 'fiche' });
  } else if (link.dataset.selectionOpen) {
    event.preventDefault();
    const ids = storedSelection();
    navigate(withChanges(state, { selection: ids, searches: selectionSearches(ids), fiche: null, comparer: false }),
      { focus: 'dossier' });
  } else if (link.dataset.page) {
    event.preventDefault();
    navigate(withChanges(state, { page: Number(link.dataset.page) }), { focus: 'results' });
  } else if (link.id === 'home-link') {
    event.preventDefault();
    dom.q.value = '';
    navigate(emptyState(), { focus: 'results' });
  }
});

dom.q.addEventListener('input', () => {
  if (dom.q.value.trim()) dom.landing.hidden = true; // at once, with the key press: nothing jumps later
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(() => setQuery(dom.q.value, { typing: true }), TYPING_DELAY);
});

dom.form.addEventListener('submit', (event) => {
  event.preventDefault();
  window.clearTimeout(typingTimer);
  if (window.history.state?.typing) window.history.replaceState({ ...window.history.state, typing: false }, '');
  setQuery(dom.q.value);
});

setupSuggestions(dom.q, dom.datalist);

document.addEventListener('change', (event) => {
  const kept = event.target.dataset?.select;
  if (kept) {
    toggleSelected(kept, event.target.checked, searchKey(state));
    renderSelectionBar(dom.selectionBar, state, { onClear: clearSelection });
    return;
  }
  const id = event.target.dataset?.compare;
  if (!id) return;
  const ids = state.compare.filter((other) => other !== id);
  setCompare(event.target.checked ? [...ids, id] : ids);
});

dom.sort.addEventListener('change', () => {
  navigate(withChanges(state, { sort: dom.sort.value, page: 1 }));
});


window.addEventListener('popstate', () => {
  const was = viewOf(state);
  state = parseState(window.location.search);
  dom.q.value = state.q;
  const view = viewOf(state);
  if (view !== 'search') render(view === was ? 'none' : view);
  else render({ fiche: 'return', compare: 'compare-return', selection: 'selection-return' }[was] || 'none');
});

// First load: the URL alone decides what is shown.
const first = structureOf(window.location.search);
window.history.replaceState({ typing: false, backSteps: 0 }, '', first ? structureUrl(first) : stateUrl(state));
render('none');
