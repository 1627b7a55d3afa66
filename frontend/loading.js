// Runs first, with no import (so before the other modules have arrived on a slow network): a shared link
// (`?q=…`) at once shows its heading and that the search is under way, in the space the results will take.

const LONG_QUERY = 60; // as app.js: a very long query is shortened in the heading and the title

const params = new URLSearchParams(window.location.search);
const q = (params.get('q') || '').trim().replace(/\s+/g, ' ');
const otherView = params.has('fiche') || params.has('selection') || params.get('comparer') === '1';
const heading = document.getElementById('results-heading');
const count = document.getElementById('count');
const busy = document.getElementById('busy');
const results = document.getElementById('results');

if (!otherView && heading && heading.dataset.ready !== '1') {
  if (q) {
    const shown = q.length > LONG_QUERY ? `${q.slice(0, LONG_QUERY - 1).trimEnd()}…` : q;
    heading.textContent = `Résultats pour «\u00a0${shown}\u00a0»`;
    document.title = `«\u00a0${shown}\u00a0»\u00a0: recherche en cours – Fiches actions des centres sociaux`;
  }
  count.textContent = 'Recherche en cours…';
  busy.hidden = false;
  results.setAttribute('aria-busy', 'true');
}
