// Around a fiche: the searched words highlighted in its text, "Fiche précédente / suivante" in the current
// result page, and "Copier le lien".

import { typo, el, fold } from './format.js';
import { apiQuery, stateUrl, withChanges } from './state.js';
import { cachedValue } from './api.js';

const MIN_WORD = 3; // shorter words are not highlighted (articles, "de", "du"…)

/** The query's words, folded, as prefixes: "ateliers cuisine" matches "atelier", "cuisiner". */
function queryStems(q) {
  return [...new Set(fold(q).split(/[^a-z0-9œæ]+/).filter((w) => w.length >= MIN_WORD))]
    .map((w) => (w.length > 5 ? w.slice(0, w.length - 1) : w));
}

/** Wrap the words of `q` found in the fiche's text in <mark> (text nodes only: never HTML). */
export function highlight(root, q) {
  const stems = queryStems(q || '');
  if (stems.length === 0) return 0;
  const pattern = new RegExp(`(^|[^a-z0-9])(${stems.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[a-z0-9]*`, 'g');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent.closest('.fiche-section p, .fiche-section li, .fiche-meta') && !parent.closest('.similar, mark')) nodes.push(walker.currentNode);
  }
  let count = 0;
  for (const node of nodes) {
    const text = node.textContent;
    const folded = fold(text);
    if (folded.length !== text.length) continue; // decomposed input: positions would not line up
    const parts = [];
    let last = 0;
    for (const match of folded.matchAll(pattern)) {
      const start = match.index + match[1].length;
      const end = match.index + match[0].length;
      if (start > last) parts.push(document.createTextNode(text.slice(last, start)));
      parts.push(el('mark', { text: text.slice(start, end) }));
      last = end;
      count += 1;
    }
    if (parts.length === 0) continue;
    if (last < text.length) parts.push(document.createTextNode(text.slice(last)));
    node.replaceWith(...parts);
  }
  return count;
}

/** Links to the previous and next fiches of the current result page, when the fiche is in it. */
function neighbours(state) {
  const response = cachedValue(`search?${apiQuery(withChanges(state, { fiche: null }))}`);
  const hits = response?.hits || [];
  const index = hits.findIndex((hit) => hit.id === state.fiche);
  if (index === -1) return null;
  const link = (hit, text, rel) => el('a', {
    href: stateUrl(withChanges(state, { fiche: hit.id })), rel, class: 'fiche-step', dataset: { fiche: hit.id, key: `step:${rel}` },
  }, text, el('span', { class: 'visually-hidden', text: ` : ${hit.title || 'sans titre'}` }));
  return el('p', { class: 'fiche-steps' },
    index > 0 ? link(hits[index - 1], '‹ Fiche précédente', 'prev') : null,
    el('span', { class: 'muted', text: `${index + 1} sur ${hits.length} de cette page` }),
    index < hits.length - 1 ? link(hits[index + 1], 'Fiche suivante ›', 'next') : null);
}

function copyLink() {
  const note = el('span', { class: 'copy-note', role: 'status' });
  const button = el('button', {
    type: 'button', class: 'secondary', dataset: { key: 'copy-link' },
    onclick: () => navigator.clipboard.writeText(window.location.href).then(
      () => { note.textContent = typo('Lien copié.'); },
      () => { note.textContent = typo('Copie impossible : copiez l’adresse de la page.'); }),
  }, 'Copier le lien');
  return [button, note];
}

/** Add the tools to a rendered fiche. */
export function enhanceFiche(container, state) {
  highlight(container, state.q);
  const nav = container.querySelector('.fiche-nav');
  if (!nav) return;
  nav.querySelector('.print-button')?.before(...copyLink());
  const steps = neighbours(state);
  if (steps) nav.after(steps);
}
