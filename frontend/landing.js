// The first visit: what a fiche action is, where the fiches come from, how many there are, and entries by theme
// (the mots clés) and by public, as buttons with their counts, so that a first visit starts with a click.

import {
  el, setChildren, formatInteger, plural, displayValue,
} from './format.js';
import { hasFilters } from './state.js';

const ENTRIES = 12; // buttons shown per list

function entryList(title, id, facet, values, onPick) {
  if (!values || values.length === 0) return null;
  return [
    el('h2', { id, text: title }),
    el('ul', { class: 'entry-list', 'aria-labelledby': id }, values.slice(0, ENTRIES).map((entry) => el('li', {},
      el('button', {
        type: 'button',
        dataset: { key: `entry:${facet}:${entry.value}` },
        onclick: () => onPick(facet, entry.value, true),
      }, displayValue(entry.value), ` (${formatInteger(entry.count)})`,
      el('span', { class: 'visually-hidden', text: ` ${plural(entry.count, 'fiche', 'fiches')}` }))))),
  ];
}

/** Shown on the bare first page only (no words, no filter, page 1); hidden as soon as a search starts. */
export function renderLanding(container, state, response, onPick) {
  const bare = !state.q && !hasFilters(state) && state.page === 1 && response;
  container.hidden = !bare;
  if (!bare) {
    container.replaceChildren();
    return;
  }
  const total = response.total_fiches ?? response.total; // fiches, not actions (near-duplicates count here)
  setChildren(container,
    el('p', {},
      'Une fiche action décrit une action menée par un centre social ou un espace de vie sociale : d’où elle est partie, ',
      'ce qui a été fait, avec qui et quels moyens, ce qu’elle a donné. Les fiches viennent du catalogue national SENACS ',
      '(«\u00a0Les actions des centres sociaux\u00a0») et des documents importés par l’équipe. ',
      el('strong', { text: `Le catalogue compte ${formatInteger(total)} ${plural(total, 'fiche', 'fiches')}.` })),
    entryList('Par thème', 'landing-themes', 'mots_cles', response.facets?.mots_cles, onPick),
    entryList('Par public', 'landing-public', 'public', response.facets?.public, onPick));
}
