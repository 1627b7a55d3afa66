// The dossier of "Ma sélection": on screen a list to review; printed, a "dossier d'inspiration" on A4 with a
// cover (the date and the search), a table of contents and one fiche a page. Also a tableur CSV of the selection.

import { typo, el, setChildren, formatBudget, formatEtp, formatInteger, plural, longDate } from './format.js';
import { stateUrl, withChanges, parseState } from './state.js';
import { loadFichesView } from './fiches-view.js';
import { textBlocks, metaLine, factRows } from './fiche.js';
import { activeFilters } from './facets.js';
import { storedSelection, storeSelection } from './selection.js';

// Heading, then the fiche's text fields shown under it (one or more, each as paragraphs and lists).
const SECTIONS = [
  ['Résumé', ['resume']],
  ['Diagnostic à l’origine de l’action', ['diagnostic']],
  ['L’expérience : objectifs, acteurs et étapes', ['description_experience']],
  ['Description générale', ['description_generale']],
  ['Résultats', ['resultat_territoire', 'resultat_centre', 'resultat_habitants']],
  ['Impacts et effets positifs', ['impacts']],
  ['Facteurs de réussite', ['facteurs_reussite']],
  ['Limites', ['limites']],
  ['Perspectives', ['perspectives']],
];

function hasText(value) {
  return typeof value === 'string' && value.trim() !== '';
}

/** "Recherche : « repair café » · Département : Sarthe", or null without a search. */
export function searchText(state) {
  const parts = [];
  if (state.q) parts.push(`Recherche\u00a0: «\u00a0${state.q}\u00a0»`);
  for (const filter of activeFilters(state)) parts.push(filter.text);
  return parts.length ? parts.join(' · ') : null;
}

/** The cover's line(s) on where the fiches come from: every search they were picked from, else the current one. */
function searchesBlock(state) {
  const searches = (state.searches || []).map((key) => searchText(parseState(`?${key}`)) || 'Toutes les fiches, sans filtre');
  if (searches.length > 1) {
    return el('div', { class: 'dossier-search' },
      el('p', { text: `Fiches réunies au fil de ${searches.length} recherches :` }),
      el('ul', { class: 'dossier-searches' }, searches.map((text) => el('li', { text }))));
  }
  const one = searches[0] || searchText(state);
  return one ? el('p', { class: 'dossier-search', text: one }) : null;
}

export function tableurUrl(ids) {
  return `api/tableur.csv?${ids.map((id) => `id=${encodeURIComponent(id)}`).join('&')}`;
}

function ficheArticle(state, fiche, index) {
  const id = `dossier-fiche-${index + 1}`;
  const means = [
    formatBudget(fiche.budget_eur) ? `Budget : ${formatBudget(fiche.budget_eur)}` : null,
    formatEtp(fiche.etp) ? `Moyens humains : ${formatEtp(fiche.etp)}` : null,
  ].filter(Boolean);
  const sections = SECTIONS.map(([title, fields]) => {
    const texts = fields.map((name) => fiche[name]).filter(hasText);
    return texts.length ? el('section', { class: 'dossier-section' }, el('h3', { text: title }), texts.map(textBlocks)) : null;
  });
  return el('article', { class: 'dossier-fiche', id, 'aria-labelledby': `${id}-title` },
    el('p', { class: 'dossier-number', text: `Fiche ${index + 1}` }),
    el('h2', { id: `${id}-title` },
      el('a', { href: stateUrl(withChanges(state, { fiche: fiche.id })), class: 'fiche-link', dataset: { fiche: fiche.id } },
        fiche.title || 'Fiche sans titre')),
    metaLine(fiche) ? el('p', { class: 'fiche-meta', text: metaLine(fiche) }) : null,
    factRows(fiche),
    means.length ? el('p', { class: 'dossier-means', text: means.join(' · ') }) : null,
    sections);
}

function tableOfContents(fiches, onRemove) {
  return el('nav', { class: 'dossier-toc', 'aria-labelledby': 'dossier-toc-title' },
    el('h2', { id: 'dossier-toc-title', text: 'Sommaire' }),
    el('ol', {}, fiches.map((fiche, index) => el('li', {},
      el('a', { href: `#dossier-fiche-${index + 1}`, dataset: { key: `toc:${fiche.id}` } }, fiche.title || 'Fiche sans titre'),
      metaLine(fiche) ? el('span', { class: 'muted', text: ` — ${metaLine(fiche)}` }) : null,
      ' ',
      el('button', {
        type: 'button', class: 'link-button dossier-remove no-print', dataset: { key: `dossier-remove:${fiche.id}` },
        onclick: () => onRemove(fiche.id),
      }, 'Retirer', el('span', { class: 'visually-hidden', text: ` la fiche « ${fiche.title || 'sans titre'} » de la sélection` }))))));
}

function actions(state, fiches, { onAdopt, onClear }) {
  const ids = fiches.map((f) => f.id);
  const mine = storedSelection();
  const shared = mine.join(',') !== state.selection.join(',');
  const note = el('p', { class: 'copy-note', role: 'status' });
  return el('div', { class: 'dossier-actions no-print' },
    el('button', { type: 'button', id: 'dossier-print', onclick: () => window.print() }, 'Imprimer le dossier'),
    el('a', { id: 'dossier-tableur', class: 'button-link secondary', href: tableurUrl(ids), download: '' }, 'Tableur (CSV)'),
    el('button', {
      type: 'button', class: 'secondary', onclick: () => {
        navigator.clipboard.writeText(window.location.href)
          .then(() => { note.textContent = typo('Lien copié.'); }, () => { note.textContent = typo('Copie impossible : copiez l’adresse de la page.'); });
      },
    }, 'Copier le lien'),
    shared ? el('button', { type: 'button', class: 'secondary', onclick: onAdopt }, `En faire ma sélection (${formatInteger(ids.length)})`) : null,
    el('button', { type: 'button', class: 'secondary', onclick: onClear }, 'Vider la sélection'),
    note);
}

/** Render the dossier of `fiches` (the ones the API returned), in the order of the selection. */
export function renderDossier(container, state, fiches, failed, handlers) {
  const count = fiches.length;
  const back = el('a', {
    href: stateUrl(withChanges(state, { selection: [], fiche: null })),
    class: 'back-link',
    dataset: { key: 'dossier-back' },
    onclick: handlers.onBack,
  }, '← Retour aux résultats');
  setChildren(container,
    el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la sélection' }, back),
    el('header', { class: 'dossier-cover' },
      el('p', { class: 'dossier-kicker', text: 'Dossier d’inspiration' }),
      el('h1', { id: 'dossier-title', tabindex: '-1', text: `Ma sélection : ${formatInteger(count)} ${plural(count, 'fiche', 'fiches')}` }),
      el('p', { class: 'dossier-date', text: `Le ${longDate(new Date())}` }),
      searchesBlock(state),
      el('p', { class: 'dossier-source', text: 'Fiches actions des centres sociaux et espaces de vie sociale' })),
    actions(state, fiches, handlers),
    failed.length ? el('div', { class: 'alert', role: 'alert' },
      failed.map(({ id, message }) => el('p', { text: `La fiche ${id} ne peut pas être affichée : ${message}` }))) : null,
    count ? tableOfContents(fiches, handlers.onRemove) : el('p', { text: 'Votre sélection est vide.' }),
    fiches.map((fiche, index) => ficheArticle(state, fiche, index)));
}

/** Fetch the selected fiches, render the dossier, title the page and (when asked) focus its heading. */
export function loadDossier(container, state, { setBusy, site, focus, ...handlers }) {
  if (storedSelection().length === 0) storeSelection(state.selection, state.searches); // a shared link starts a selection
  return loadFichesView('dossier', container, state.selection, { setBusy, site, focus },
    (fiches, failed) => renderDossier(container, state, fiches, failed, handlers));
}
