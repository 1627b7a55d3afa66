// The filters on narrow screens: a full-screen sheet (a modal dialog) opened by "Filtres", with "Fermer" and a
// sticky "Afficher les N fiches" that carries the live count of the search. On wide screens it is the sidebar.

import { typo, formatInteger } from './format.js';

const NARROW = window.matchMedia('(max-width: 52rem)');

/** "Afficher les 677 fiches", "Afficher 1 fiche", "Aucune fiche trouvée". */
export function showLabel(total) {
  if (total === 0) return 'Aucune fiche trouvée';
  if (total === 1) return 'Afficher 1 fiche';
  return `Afficher les ${formatInteger(total)} fiches`;
}

/**
 * Wire the sheet. `outside` are the elements made inert while it is open; `onShow` runs when
 * "Afficher les N fiches" closes it (the results are then shown).
 */
export function setupSheet({ sheet, toggle, close, apply, outside, onShow }) {
  let open = false;

  const setOpen = (value, { focus = 'toggle' } = {}) => {
    open = value && NARROW.matches;
    sheet.classList.toggle('is-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('sheet-open', open);
    if (open) {
      sheet.setAttribute('role', 'dialog');
      sheet.setAttribute('aria-modal', 'true');
    } else {
      sheet.removeAttribute('role');
      sheet.removeAttribute('aria-modal');
    }
    for (const node of outside) node.inert = open;
    if (open) close.focus();
    else if (focus === 'toggle' && value === false) toggle.focus();
  };

  toggle.addEventListener('click', () => setOpen(!open));
  close.addEventListener('click', () => setOpen(false));
  apply.addEventListener('click', () => {
    setOpen(false, { focus: 'none' });
    onShow();
  });
  sheet.addEventListener('keydown', (event) => {
    if (open && event.key === 'Escape') {
      event.preventDefault();
      setOpen(false);
    }
  });
  NARROW.addEventListener('change', () => { if (open) setOpen(false, { focus: 'none' }); });

  return {
    /** The live count of the current search, on the sticky button. */
    setCount(total) {
      apply.textContent = typo(showLabel(total));
    },
    close() {
      if (open) setOpen(false, { focus: 'none' });
    },
    /** Open it (on narrow screens; on wide ones the filters are always shown). */
    open() {
      if (!open) setOpen(true);
    },
  };
}
