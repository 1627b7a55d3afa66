// The structure page (`?structure=ID`): a centre social or an espace de vie sociale, its « Fiche identité »,
// the axes of its projet social and all its fiches. A fiche's page links here from its structure line.

import { el, setChildren, formatInteger, plural, safeHttpUrl, longDate } from './format.js';
import { getJSON, cached } from './api.js';
import { textBlocks } from './fiche.js';

const KINDS = { CS: 'Centre social', EVS: 'Espace de vie sociale' };

/** The structure id of a page address (`?structure=…`), or null. */
export function structureOf(search) {
  return new URLSearchParams(search).get('structure') || null;
}

/** The page address of a structure. */
export function structureUrl(id) {
  return `?structure=${encodeURIComponent(id)}`;
}

/** Show a structure's page from a link of this page (the back link then goes back in the history). */
export function openStructure(id, render) {
  window.history.pushState({ typing: false, backSteps: 0, fromPage: true }, '', structureUrl(id));
  render();
}

/** « Retour à la recherche »: back in the history when the page came from here, else to the search `home()`. */
function backLink(home) {
  return (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (window.history.state?.fromPage) window.history.back();
    else home();
  };
}

/** The link from a fiche to its structure's page, when the structure is known (else nothing). */
export function structureLine(fiche) {
  if (!fiche.structure_id) return null;
  const about = [KINDS[fiche.type_structure], fiche.commune].filter(Boolean).join(', ');
  return el('p', { class: 'fiche-structure' },
    el('a', { href: structureUrl(fiche.structure_id), dataset: { structure: fiche.structure_id } },
      `Fiche identité de la structure${fiche.structure ? ` «\u00a0${fiche.structure}\u00a0»` : ''}`),
    about ? ` (${about})` : '');
}

function yesNo(value) {
  if (value === true) return 'Oui';
  if (value === false) return 'Non';
  return null;
}

function website(value) {
  if (!value) return null;
  const href = safeHttpUrl(/^https?:\/\//i.test(value) ? value : `http://${value}`);
  return href ? el('a', { href, rel: 'noopener noreferrer external' }, value) : value;
}

function frenchDate(value) {
  if (!value) return null;
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : longDate(date, 'UTC');
}

function facts(structure) {
  const place = [structure.code_postal, structure.commune].filter(Boolean).join(' ');
  const rows = [
    ['Type de structure', KINDS[structure.type_structure]],
    ['Adresse', [structure.adresse, place].filter(Boolean).join(', ')],
    ['Département', structure.departement
      ? `${structure.departement}${structure.departement_code ? ` (${structure.departement_code})` : ''}` : null],
    ['Région', structure.region],
    ['Code INSEE de la commune', structure.code_insee],
    ['Site internet', website(structure.site_internet)],
    ['Numéro SIRET', structure.siret],
    ['Date du 1er agrément', frenchDate(structure.date_agrement)],
    ['Population de la zone de compétence',
      structure.population !== null && structure.population !== undefined
        ? `${formatInteger(structure.population)} ${plural(structure.population, 'habitant', 'habitants')}` : null],
    ['Mode de gestion', structure.mode_gestion],
    ['Type de territoire', structure.type_territoire],
    ['Taille du territoire', structure.taille_territoire],
    ['Quartier prioritaire (QPV)', yesNo(structure.qpv)],
    ['Adhérent à la Fédération des centres sociaux', yesNo(structure.adherent_fcsf)],
    ['Autre fédération', structure.autre_federation],
    ['Structure « gens du voyage »', yesNo(structure.gens_du_voyage)],
    ['Structure multi-sites', yesNo(structure.multi_sites)],
    ['Structure itinérante', yesNo(structure.itinerante)],
  ];
  const items = rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => el('div', {}, el('dt', { text: label }), el('dd', {}, value)));
  return items.length ? el('dl', { class: 'facts' }, items) : null;
}

function section(title, ...content) {
  const body = content.flat().filter(Boolean);
  return body.length ? el('section', { class: 'fiche-section' }, el('h2', { text: title }), body) : null;
}

function fichesSection(structure) {
  const fiches = structure.fiches || [];
  const title = `Ses fiches actions (${formatInteger(fiches.length)})`;
  if (fiches.length === 0) {
    return el('section', { class: 'fiche-section' }, el('h2', { text: title }),
      el('p', { text: 'Aucune fiche action de cette structure n’est encore dans le catalogue.' }));
  }
  return section(title, el('ul', { class: 'structure-fiches' }, fiches.map((f) => el('li', {},
    el('a', { href: `?fiche=${encodeURIComponent(f.id)}`, dataset: { fiche: f.id } }, f.title),
    [f.year, f.dimension, f.statut].filter(Boolean).length
      ? ` — ${[f.year, f.dimension, f.statut].filter(Boolean).join(' · ')}` : ''))));
}

/** Render a structure in `container`. */
export function renderStructure(container, structure, onBack) {
  const meta = [KINDS[structure.type_structure], structure.commune, structure.departement].filter(Boolean).join(' · ');
  setChildren(container,
    el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la structure' },
      el('a', { href: './', class: 'back-link', dataset: { key: 'back' }, onclick: onBack }, '← Retour à la recherche')),
    el('header', { class: 'fiche-header' },
      el('h1', { id: 'structure-title', tabindex: '-1', text: structure.nom }),
      meta ? el('p', { class: 'fiche-meta', text: meta }) : null,
      structure.truncated
        ? el('p', { class: 'notice', text: 'Fiche identité incomplète : la page lue était coupée.' }) : null),
    facts(structure),
    section('Axes du projet social en cours',
      (structure.axes || []).length ? el('ol', {}, structure.axes.map((a) => el('li', { text: a }))) : null),
    section('Historique', structure.historique ? textBlocks(structure.historique) : null),
    fichesSection(structure));
}

let controller = null;

/** Fetch a structure, render it, title the page and (when asked) focus its name. */
export function loadStructure(container, id, { setBusy, site, focus, home }) {
  const onBack = backLink(home);
  if (controller) controller.abort();
  const current = new AbortController();
  controller = current;
  const done = (title) => {
    document.title = `${title} – ${site}`;
    if (!focus) return;
    window.scrollTo(0, 0);
    document.getElementById('structure-title').focus({ preventScroll: true });
  };
  setBusy(+1);
  cached(`structure/${id}`, () => getJSON(`api/structures/${encodeURIComponent(id)}`, { signal: current.signal }))
    .then((structure) => {
      if (controller !== current) return;
      renderStructure(container, structure, onBack);
      done(structure.nom);
    })
    .catch((error) => {
      if (error.name === 'AbortError' || controller !== current) return;
      setChildren(container,
        el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la structure' },
          el('a', { href: './', class: 'back-link', onclick: onBack }, '← Retour à la recherche')),
        el('h1', { id: 'structure-title', tabindex: '-1', text: 'Structure introuvable' }),
        el('p', { text: error.message }));
      done('Structure introuvable');
    })
    .finally(() => setBusy(-1));
}
