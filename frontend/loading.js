// Runs first, with a single small import (preloaded): a shared link (`?q=…`) shows at once its heading and that
// the search is under way, in the space the results will take, before the other modules have arrived.

import { resultsHeading, shortQuery } from './format.js';

const params = new URLSearchParams(window.location.search);
const q = (params.get('q') || '').trim().replace(/\s+/g, ' ');
const otherView = params.has('fiche') || params.has('selection') || params.get('comparer') === '1';
const heading = document.getElementById('results-heading');

if (!otherView && heading) {
  if (q) {
    heading.textContent = resultsHeading(q);
    document.title = `«\u00a0${shortQuery(q)}\u00a0»\u00a0: recherche en cours – Fiches actions des centres sociaux`;
  }
  document.getElementById('count').textContent = 'Recherche en cours…';
  document.getElementById('busy').hidden = false;
  document.getElementById('results').setAttribute('aria-busy', 'true');
}
