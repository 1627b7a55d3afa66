// The page state lives in the URL: same parameter names as the API, plus `fiche`, and the compare
// selection (`compare=id1,id2`) with its view (`comparer=1`), and "Ma sélection" shown as a dossier
// (`selection=id1,id2,…`: the ids are in the URL, so the dossier can be shared), with the searches its fiches
// were picked from (`recherche=<query string>`, repeated), which its cover names.

// What a search can do comes from the API (`GET /api/catalogue`, derived from the server's field
// catalogue): facets in display order with their labels, ranges, sorts and page size. `loadCatalogue`
// fills these live bindings once, before the first state is read.
export let FACETS = [];
export let RANGES = [];
export let SORTS = ['pertinence'];
export let SORT_LABELS = [{ name: 'pertinence', label: 'Pertinence' }]; // in the catalogue's order, with the way each sorts
export let PAGE_SIZE = 20;
let RANGE_KEYS = [];

// How each kind of range is shown (the chip's word and the number format).
const RANGE_KINDS = {
  euros: { chip: 'Budget', format: 'budget' },
  etp: { chip: 'ETP', format: 'etp' },
  year: { chip: 'Années', format: 'year' },
};

export function loadCatalogue(catalogue) {
  FACETS = catalogue.facets.map((f) => ({ key: f.name, label: f.label, long: f.long }));
  RANGES = catalogue.ranges.map((r) => ({
    key: r.name, label: r.label, ...(RANGE_KINDS[r.kind] || { chip: r.label, format: 'number' }),
  }));
  SORTS = catalogue.sorts.map((s) => s.name);
  SORT_LABELS = catalogue.sorts.map((s) => ({ name: s.name, label: s.label }));
  PAGE_SIZE = catalogue.page_size;
  RANGE_KEYS = RANGES.flatMap((r) => [`${r.key}_min`, `${r.key}_max`]);
}

export const DEFAULT_SORT = 'pertinence';
// `type=`: only the fiches, or only the parts of projets sociaux or plans fédéraux (`page_parties=` pages them;
// see document-types.js). Neither reaches the fiche search.
export const DOCUMENT_TYPES = ['fiche', 'projet_social', 'plan_federal'];
export const COMPARE_MAX = 4;


export function emptyState() {
  const filters = {};
  for (const f of FACETS) filters[f.key] = [];
  const ranges = {};
  for (const k of RANGE_KEYS) ranges[k] = '';
  return {
    q: '', filters, ranges, sort: DEFAULT_SORT, page: 1, type: null, partiesPage: 1, fiche: null, compare: [], comparer: false, selection: [], searches: [],
  };
}

/** `a,b,a,` → ['a', 'b']. */
export function idList(text) {
  return [...new Set((text || '').split(',').map((id) => id.trim()).filter(Boolean))];
}

/** Read the state from a query string such as `location.search`. */
export function parseState(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = (params.get('q') || '').trim();
  for (const f of FACETS) {
    state.filters[f.key] = [...new Set(params.getAll(f.key).filter(Boolean))];
  }
  for (const k of RANGE_KEYS) state.ranges[k] = params.get(k) || '';
  const sort = params.get('sort');
  state.sort = SORTS.includes(sort) ? sort : DEFAULT_SORT;
  const page = parseInt(params.get('page') || '1', 10);
  state.page = Number.isFinite(page) && page > 0 ? page : 1;
  state.type = DOCUMENT_TYPES.includes(params.get('type')) ? params.get('type') : null;
  const partiesPage = parseInt(params.get('page_parties') || '1', 10);
  state.partiesPage = state.type && Number.isFinite(partiesPage) && partiesPage > 0 ? partiesPage : 1;
  state.fiche = params.get('fiche') || null;
  state.compare = idList(params.get('compare')).slice(0, COMPARE_MAX);
  state.comparer = params.get('comparer') === '1' && state.compare.length > 0;
  state.selection = idList(params.get('selection'));
  state.searches = state.selection.length ? [...new Set(params.getAll('recherche'))].slice(0, 20) : [];
  return state;
}

/** The search part of the state as URL parameters (what the API takes). */
export function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const f of FACETS) for (const v of state.filters[f.key]) params.append(f.key, v);
  for (const k of RANGE_KEYS) if (state.ranges[k] !== '') params.set(k, state.ranges[k]);
  if (state.sort !== DEFAULT_SORT) params.set('sort', state.sort);
  if (state.page > 1) params.set('page', String(state.page));
  return params;
}

/** The query string of a state's search alone (no page, no view), as `recherche=` keeps it; '' for none. */
export function searchKey(state) {
  const params = searchParams(state);
  params.delete('page');
  params.delete('sort');
  return params.toString();
}

/** The page URL of a state (relative: `?q=…&fiche=…`). */
export function stateUrl(state) {
  const params = searchParams(state);
  if (state.type) params.set('type', state.type);
  if (state.type && state.partiesPage > 1) params.set('page_parties', String(state.partiesPage));
  if (state.fiche) params.set('fiche', state.fiche);
  let text = params.toString();
  if (state.compare.length) {
    // Commas between ids stay readable: each id is encoded on its own.
    text += `${text ? '&' : ''}compare=${state.compare.map(encodeURIComponent).join(',')}`;
    if (state.comparer) text += '&comparer=1';
  }
  if (state.selection.length) {
    text += `${text ? '&' : ''}selection=${state.selection.map(encodeURIComponent).join(',')}`;
    for (const search of state.searches || []) text += `&recherche=${encodeURIComponent(search)}`;
  }
  return text ? `?${text}` : window.location.pathname;
}

/** API query string of a state's search, with the page size. */
export function apiQuery(state, { paged = true } = {}) {
  const params = searchParams(state);
  if (!paged) params.delete('page');
  else params.set('size', String(PAGE_SIZE));
  return params.toString();
}

export function withChanges(state, changes) {
  return {
    ...state,
    filters: { ...state.filters },
    ranges: { ...state.ranges },
    compare: [...state.compare],
    selection: [...state.selection],
    searches: [...(state.searches || [])],
    ...changes,
  };
}

export function hasFilters(state) {
  return FACETS.some((f) => state.filters[f.key].length > 0)
    || RANGE_KEYS.some((k) => state.ranges[k] !== '');
}

export function sameSearch(a, b) {
  return apiQuery(a) === apiQuery(b);
}

/** Which view of the page a state shows: a fiche, the dossier of a selection, the comparison, or the results. */
export function viewOf(state) {
  if (state.fiche) return 'fiche';
  if (state.selection.length > 0) return 'selection';
  return state.comparer && state.compare.length > 0 ? 'compare' : 'search';
}
