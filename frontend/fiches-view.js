// Shared by the comparison and the dossier: fetch a list of fiches, render them, title the page, focus the heading.

import { getFiches } from './api.js';
import { typo } from './format.js';

const controllers = new Map(); // view name → the AbortController of its latest load

/**
 * Load `ids` for the view `name` (a newer load of the same view cancels the older), then
 * `render(fiches, failed)` into `container`, title the page after its h1 and (when asked) focus it.
 */
export function loadFichesView(name, container, ids, { setBusy, site, focus }, render) {
  controllers.get(name)?.abort();
  const current = new AbortController();
  controllers.set(name, current);
  setBusy(+1);
  return getFiches(ids, { signal: current.signal })
    .then((entries) => {
      if (controllers.get(name) !== current) return;
      render(entries.filter((e) => e.fiche).map((e) => e.fiche), entries.filter((e) => !e.fiche));
      document.title = typo(`${container.querySelector('h1').textContent} – ${site}`);
      if (!focus) return;
      window.scrollTo(0, 0);
      container.querySelector('h1').focus({ preventScroll: true });
    })
    .catch((error) => {
      if (error.name !== 'AbortError') throw error;
    })
    .finally(() => setBusy(-1));
}
