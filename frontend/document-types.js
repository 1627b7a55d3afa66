// On the search page, above the results: « Tout », « Fiches (120) », « Projets sociaux (5) », « Plans fédéraux
// (1) », a radio group whose choice is in the address (`type=`, see state.js). With no type, the fiches and
// then the first parts of projets sociaux and plans fédéraux found (as before); `type=fiche`, the fiches
// alone; a document type, its parts alone, paged (`page_parties=`). Counts come from `GET /api/documents`,
// whose `type` facet counts the fiches by the fiche search itself.

import { getJSON, cached } from './api.js';
import { el, setChildren, formatInteger, plural } from './format.js';
import { hitCard } from './document.js';

const SITE = 'Fiches actions des centres sociaux';
const HITS_SHOWN = 6;
const PAGE_SIZE = 20;
const CHOICES = [
  { value: '', label: 'Tout' },
  { value: 'fiche', label: 'Fiches' },
  { value: 'projet_social', label: 'Projets sociaux', one: 'partie de projet social', many: 'parties de projets sociaux' },
  { value: 'plan_federal', label: 'Plans fédéraux', one: 'partie de plan fédéral', many: 'parties de plans fédéraux' },
];
const UNITS = new Set(['projet_social', 'plan_federal']);

/** What the address asks: the query, the type (or '') and the page of parts. */
function wanted() {
  const params = new URLSearchParams(window.location.search);
  const type = CHOICES.some((c) => c.value && c.value === params.get('type')) ? params.get('type') : '';
  const page = parseInt(params.get('page_parties') || '1', 10);
  return { q: (params.get('q') || '').trim(), type, page: UNITS.has(type) && page > 0 ? page : 1 };
}

/**
 * Go to the address with `changes` (null deletes): a history entry (or, with `replace`, the current one), then
 * the page renders it as after « back ».
 */
function go(changes, { replace = false } = {}) {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') params.delete(key); else params.set(key, value);
  }
  if (!UNITS.has(params.get('type') || '')) params.delete('page_parties');
  const text = params.toString();
  const url = text ? `?${text}` : window.location.pathname;
  if (replace) window.history.replaceState(window.history.state, '', url);
  else window.history.pushState({ typing: false, backSteps: 0 }, '', url);
  window.dispatchEvent(new PopStateEvent('popstate', { state: window.history.state }));
}

/** The radio group, built once (a choice keeps its focus when the counts change). */
function typeChoice() {
  const inputs = CHOICES.map((choice) => el('input', {
    type: 'radio', name: 'type', value: choice.value, id: `type-${choice.value || 'tout'}`,
    onchange: (event) => { if (event.target.checked) go({ type: choice.value, page_parties: null, page: null }); },
  }));
  const fieldset = el('fieldset', { id: 'type-choice', class: 'type-choice', hidden: true },
    el('legend', { text: 'Afficher' }),
    CHOICES.map((choice, n) => el('label', { for: inputs[n].id, class: 'type-option' },
      inputs[n], el('span', { class: 'type-label' }))));
  return fieldset;
}

function updateChoice(fieldset, type, facet) {
  const counts = Object.fromEntries((facet || []).map((f) => [f.value, f.count]));
  for (const choice of CHOICES) {
    const input = fieldset.querySelector(`#type-${choice.value || 'tout'}`);
    input.checked = choice.value === type;
    input.nextElementSibling.textContent = choice.value
      ? `${choice.label} (${formatInteger(counts[choice.value] || 0)})` : choice.label;
  }
}

function unitsPager(total, page) {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return null;
  const link = (n, text, attrs = {}) => {
    const params = new URLSearchParams(window.location.search);
    if (n > 1) params.set('page_parties', String(n)); else params.delete('page_parties');
    return el('a', {
      href: `?${params}`, ...attrs,
      onclick: (event) => {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        headingFocus = true; // once the new page is shown (the heading is drawn again then)
        go({ page_parties: n > 1 ? String(n) : null });
      },
    }, text);
  };
  const items = [];
  if (page > 1) items.push(el('li', {}, link(page - 1, '‹ Précédente', { rel: 'prev' })));
  for (let n = 1; n <= pages; n += 1) {
    if (n !== 1 && n !== pages && Math.abs(n - page) > 2) continue;
    items.push(el('li', {}, link(n, formatInteger(n), n === page
      ? { 'aria-current': 'page', 'aria-label': `Page ${n}, page actuelle` } : { 'aria-label': `Page ${n}` })));
  }
  if (page < pages) items.push(el('li', {}, link(page + 1, 'Suivante ›', { rel: 'next' })));
  return el('nav', { class: 'pager', 'aria-label': 'Pagination des parties' }, el('ul', {}, items));
}

function hide(section) {
  section.hidden = true;
  section.replaceChildren();
}

/** The parts of one type, all of them page by page, in place of the fiche results. */
function showType(section, result, q, type, page) {
  const choice = CHOICES.find((c) => c.value === type);
  const total = result.total;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const counted = total ? `${formatInteger(total)} ${plural(total, choice.one, choice.many)}` : `Aucune ${choice.one}`;
  const pageText = pages > 1 ? `, page ${formatInteger(Math.min(page, pages))} sur ${formatInteger(pages)}` : '';
  setChildren(section,
    el('h2', { id: 'documents-heading', tabindex: '-1', text: choice.label }),
    el('p', { class: 'count', text: `${counted}${q ? ' contenant ces mots' : ''}${pageText}.` }),
    total ? el('ol', { class: 'results' }, result.hits.map(hitCard)) : null,
    unitsPager(total, page));
  section.hidden = false;
  document.title = `${q ? `«${'\u00a0'}${q}${'\u00a0'}»${'\u00a0'}: ` : ''}${counted}${pageText} – ${SITE}`;
}

/** The first parts found, after the fiche results (the page as it was before types). */
function showFirst(section, result) {
  const total = result.total;
  setChildren(section,
    el('h2', { id: 'documents-heading', tabindex: '-1', text: 'Dans les projets sociaux et plans fédéraux' }),
    el('p', { class: 'count', text: `${formatInteger(total)} ${plural(total, 'partie contient', 'parties contiennent')} ces mots${total > HITS_SHOWN ? ` ; les ${HITS_SHOWN} premières` : ''}.` }),
    el('ol', { class: 'results' }, result.hits.map(hitCard)));
  section.hidden = false;
}

let latest = 0;
let headingFocus = false;

async function update(fieldset, section) {
  const ticket = ++latest;
  const { q, type, page } = wanted();
  document.body.dataset.documentType = UNITS.has(type) ? 'partie' : type;
  if (!q && !type) {
    fieldset.hidden = true;
    hide(section);
    return;
  }
  const query = new URLSearchParams({ q });
  if (UNITS.has(type)) {
    query.set('type', type);
    query.set('page', String(page));
    query.set('size', String(PAGE_SIZE));
  } else query.set('size', String(HITS_SHOWN));
  let result;
  try {
    result = await cached(`documents?${query}`, () => getJSON(`api/documents?${query}`));
  } catch {
    result = null; // the fiches are the page's subject: a failure here hides the choice and the parts only
  }
  if (ticket !== latest) return;
  const units = (result?.facets?.type || []).filter((f) => UNITS.has(f.value)).reduce((n, f) => n + f.count, 0);
  if (!result || (!type && !units)) {
    fieldset.hidden = true;
    hide(section);
    return;
  }
  const last = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (UNITS.has(type) && page > last) { // a page past the end (an old address): the last one
    go({ page_parties: last > 1 ? String(last) : null }, { replace: true });
    return;
  }
  updateChoice(fieldset, type, result.facets.type);
  fieldset.hidden = false;
  if (UNITS.has(type)) showType(section, result, q, type, page);
  else if (!type && result.total) showFirst(section, result);
  else hide(section);
  if (headingFocus && UNITS.has(type)) document.getElementById('documents-heading')?.focus();
  headingFocus = false;
}

/**
 * Place the choice above the results and the parts after them; render whenever the fiche results change
 * (their count, a live region, is rewritten by every search) or the address does.
 */
export function attachDocumentTypes() {
  const pager = document.getElementById('pager');
  const count = document.getElementById('count');
  const head = document.querySelector('#search-view .results-head');
  if (!pager || !count || !head) return;
  const fieldset = typeChoice();
  head.after(fieldset);
  const section = el('section', { id: 'documents-results', class: 'documents-results', 'aria-labelledby': 'documents-heading', hidden: true });
  pager.after(section);
  const render = () => update(fieldset, section);
  new MutationObserver(render).observe(count, { childList: true, characterData: true, subtree: true });
  window.addEventListener('popstate', render);
  render();
}
