// The comparison: the selection bar under the results, and a table with one column per fiche.

import { typo, el, setChildren, formatBudget, formatEtp, plural } from './format.js';
import { stateUrl, withChanges, COMPARE_MAX } from './state.js';
import { loadFichesView } from './fiches-view.js';
import { textBlocks } from './fiche.js';

const MISSING = 'non renseigné';

function place(fiche) {
  if (!fiche.departement) return fiche.departement_code || null;
  return fiche.departement_code ? `${fiche.departement} (${fiche.departement_code})` : fiche.departement;
}

function blocks(...texts) {
  const present = texts.filter((text) => typeof text === 'string' && text.trim());
  return present.length ? present.flatMap((text) => textBlocks(text)) : null;
}

// Row header, then how to read the cell's value from a fiche (text, list of texts, or nodes).
const ROWS = [
  ['Structure', (f) => f.structure],
  ['Département', place],
  ['Région', (f) => f.region],
  ['Année', (f) => (f.year ? String(f.year) : null)],
  ['Statut', (f) => f.statut],
  ['Dimension', (f) => f.dimension],
  ['Mots clés', (f) => f.mots_cles],
  ['Public', (f) => f.public],
  ['Territoire concerné', (f) => f.territoire],
  ['À l’initiative de', (f) => f.initiative],
  ['Partenaires de l’action', (f) => f.partenaires_action],
  ['Partenaires financiers', (f) => f.partenaires_financiers],
  ['Budget', (f) => formatBudget(f.budget_eur)],
  ['Moyens humains', (f) => formatEtp(f.etp)],
  ['Résumé', (f) => blocks(f.resume)],
  ['Ressources financières (texte de la fiche)', (f) => blocks(f.ressources_financieres)],
  ['Personnes mobilisées (texte de la fiche)', (f) => blocks(f.personnes_mobilisees)],
  ['Résultats', (f) => blocks(f.resultat_territoire, f.resultat_centre, f.resultat_habitants)],
  ['Limites', (f) => blocks(f.limites)],
  ['Perspectives', (f) => blocks(f.perspectives)],
];
let onlyDifferences = false; // the "Différences seulement" toggle, kept across renders

function cellContent(value) {
  if (Array.isArray(value)) {
    const items = value.filter((v) => v instanceof Node || (typeof v === 'string' && v.trim()));
    if (items.length === 0) return el('span', { class: 'missing', text: MISSING });
    if (items[0] instanceof Node) return items;
    if (items.length === 1) return items[0];
    return el('ul', { class: 'inline-list' }, items.map((v) => el('li', { text: v })));
  }
  if (typeof value === 'string' && value.trim()) return value;
  return el('span', { class: 'missing', text: MISSING });
}

/** The bar under the results: how many fiches are selected, "Comparer les N fiches", "Vider la sélection". */
export function renderCompareBar(bar, state, { onOpen, onClear }) {
  const count = state.compare.length;
  bar.hidden = count === 0;
  const status = bar.querySelector('.compare-status');
  const actions = bar.querySelector('.compare-actions');
  if (count === 0) {
    status.textContent = '';
    actions.replaceChildren();
    return;
  }
  let note = `Vous pouvez en comparer jusqu’à ${COMPARE_MAX}.`;
  if (count < 2) note = 'Cochez au moins une autre fiche pour les comparer.';
  else if (count >= COMPARE_MAX) note = `${COMPARE_MAX} fiches au maximum : retirez-en une pour en choisir une autre.`;
  status.textContent = typo(`${count} ${plural(count, 'fiche sélectionnée', 'fiches sélectionnées')}. ${note}`);
  setChildren(actions,
    count >= 2 ? el('button', {
      type: 'button', id: 'compare-open', dataset: { key: 'compare:open' }, onclick: onOpen,
    }, `Comparer les ${count} fiches`) : null,
    el('button', {
      type: 'button', class: 'secondary', dataset: { key: 'compare:clear' }, onclick: onClear,
    }, 'Vider la sélection'));
}

function columnHeader(state, fiche, onRemove) {
  const title = fiche.title || 'Fiche sans titre';
  return el('th', { scope: 'col' },
    el('a', {
      href: stateUrl(withChanges(state, { fiche: fiche.id })),
      class: 'fiche-link',
      dataset: { fiche: fiche.id, key: `compare-title:${fiche.id}` },
    }, title),
    el('button', {
      type: 'button', class: 'secondary compare-remove', dataset: { key: `compare-remove:${fiche.id}` },
      onclick: () => onRemove(fiche.id),
    }, 'Retirer', el('span', { class: 'visually-hidden', text: ` la fiche « ${title} » de la comparaison` })));
}

function comparisonTable(state, fiches, onRemove) {
  const head = el('tr', {},
    el('th', { scope: 'col', class: 'compare-corner' }, el('span', { class: 'visually-hidden', text: 'Rubrique' })),
    fiches.map((fiche) => columnHeader(state, fiche, onRemove)));
  const rows = ROWS.map(([label, read]) => {
    const cells = fiches.map((fiche) => el('td', { 'data-fiche-title': fiche.title || 'Fiche sans titre' }, cellContent(read(fiche))));
    const same = cells.length > 1 && cells.every((cell) => cell.textContent === cells[0].textContent);
    return el('tr', { class: same ? 'is-same' : null }, el('th', { scope: 'row', text: label }), cells);
  });
  return el('div', {
    class: 'table-scroll', role: 'region', 'aria-labelledby': 'compare-caption', tabindex: '0',
  }, el('table', { class: 'compare-table' },
    el('caption', { id: 'compare-caption' },
      el('span', { class: 'caption-text', text: 'Les fiches sélectionnées côte à côte, une colonne par fiche' })),
    el('thead', {}, head),
    el('tbody', {}, rows)));
}

function failures(failed, onRemove) {
  if (failed.length === 0) return null;
  return el('div', { class: 'alert', role: 'alert' }, failed.map(({ id, message }) => el('p', {},
    `La fiche ${id} ne peut pas être affichée : ${message} `,
    el('button', { type: 'button', class: 'link-button', onclick: () => onRemove(id) },
      'Retirer', el('span', { class: 'visually-hidden', text: ` la fiche ${id} de la comparaison` })))));
}

function tools(container) {
  return el('div', { class: 'compare-tools no-print' },
    el('label', {},
      el('input', {
        type: 'checkbox',
        id: 'compare-diff',
        checked: onlyDifferences,
        dataset: { key: 'compare:diff' },
        onchange: (event) => {
          onlyDifferences = event.target.checked;
          container.classList.toggle('compare-only-diff', onlyDifferences);
        },
      }),
      'Différences seulement'),
    el('button', { type: 'button', class: 'secondary', onclick: () => window.print() }, 'Imprimer la comparaison'));
}

/** Render the comparison of `fiches` (the ones the API returned) in the order of the selection. */
export function renderComparison(container, state, fiches, failed, { onBack, onRemove }) {
  const count = fiches.length;
  const back = el('a', {
    href: stateUrl(withChanges(state, { comparer: false, fiche: null })),
    class: 'back-link',
    dataset: { key: 'compare-back' },
    onclick: (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      onBack();
    },
  }, '← Retour aux résultats');
  setChildren(container,
    el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la comparaison' }, back),
    el('h1', {
      id: 'compare-title', tabindex: '-1',
      text: count > 1 ? `Comparaison de ${count} fiches` : 'Comparaison de fiches',
    }),
    failures(failed, onRemove),
    count < 2 ? el('p', { class: 'muted', text: 'Sélectionnez au moins deux fiches dans les résultats pour les comparer.' }) : null,
    count > 1 ? tools(container) : null,
    count > 0 ? comparisonTable(state, fiches, onRemove) : null);
  container.classList.toggle('compare-only-diff', onlyDifferences && count > 1);
}

/** Print the comparison in landscape, every other view in portrait (a named @page is very slow in Chromium).
 * The rule is a file (`landscape.css`), switched on and off: the page's CSP allows no inline style. */
export function setPrintOrientation(view) {
  let sheet = document.getElementById('print-orientation');
  if (!sheet) {
    sheet = el('link', { id: 'print-orientation', rel: 'stylesheet', media: 'not all', href: 'landscape.css' });
    document.head.append(sheet);
  }
  sheet.media = view === 'compare' ? 'print' : 'not all';
}

/** Fetch every selected fiche, render the table, title the page and (when asked) focus the heading. */
export function loadComparison(container, state, { setBusy, site, focus, onBack, onRemove }) {
  return loadFichesView('compare', container, state.compare, { setBusy, site, focus },
    (fiches, failed) => renderComparison(container, state, fiches, failed, { onBack, onRemove }));
}
