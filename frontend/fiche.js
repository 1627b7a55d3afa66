// The fiche page: every section in reading order, as text only.

import {
  typo, el, setChildren, formatBudget, formatEtp, formatDecimal, safeHttpUrl,
} from './format.js';
import { stateUrl, withChanges } from './state.js';
import { card, incompleteNotice } from './results.js';
import { cached, getFiche, getSimilar } from './api.js';
import { enhanceFiche } from './fiche-tools.js';
import { structureLine } from './structure.js';

/** Free text as paragraphs, with "- " and "•" lines grouped into lists. */
export function textBlocks(text) {
  const blocks = [];
  let list = null;
  for (const raw of String(text).split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line === '-') { list = null; continue; }
    const bullet = line.match(/^(?:[-•*–]\s+)(.*)$/);
    if (bullet) {
      if (!list) { list = el('ul'); blocks.push(list); }
      list.append(el('li', { text: bullet[1] }));
    } else {
      list = null;
      blocks.push(el('p', { text: line }));
    }
  }
  return blocks;
}

function hasText(value) {
  return typeof value === 'string' && value.trim() !== '';
}

function section(title, ...content) {
  const body = content.flat().filter(Boolean);
  if (body.length === 0) return null;
  return el('section', { class: 'fiche-section' }, el('h2', { text: title }), body);
}

function classed(node, name) {
  if (node) node.classList.add(name);
  return node;
}

function textSection(title, value) {
  return hasText(value) ? section(title, textBlocks(value)) : null;
}

function subSection(title, ...content) {
  const body = content.flat().filter(Boolean);
  return body.length ? el('div', { class: 'fiche-sub' }, el('h3', { text: title }), body) : null;
}

export function metaLine(fiche) {
  const place = [];
  if (fiche.departement) {
    place.push(fiche.departement_code ? `${fiche.departement} (${fiche.departement_code})` : fiche.departement);
  }
  if (fiche.region) place.push(fiche.region);
  return [fiche.structure, place.join(', '), fiche.year ? String(fiche.year) : null].filter(Boolean).join(' · ');
}

export function factRows(fiche) {
  const rows = [
    ['Dimension', fiche.dimension],
    ['Mots clés', fiche.mots_cles],
    ['Public', fiche.public],
    ['Territoire concerné', fiche.territoire],
    ['À l’initiative de', fiche.initiative],
    ['Précision', fiche.precision],
    ['Partenaires de l’action', fiche.partenaires_action],
    ['Partenaires financiers', fiche.partenaires_financiers],
    ['Thèmes', fiche.themes],
    ['Statut', fiche.statut],
    ['Raison de la fin de l’action', fiche.raison_fin],
    ['Budget', formatBudget(fiche.budget_eur)],
    ['Moyens humains', formatEtp(fiche.etp)],
  ];
  const items = [];
  for (const [label, value] of rows) {
    const values = Array.isArray(value) ? value.filter(Boolean) : (hasText(value) ? [value] : []);
    if (values.length === 0) continue;
    items.push(el('div', {}, el('dt', { text: label }),
      values.length > 1 ? el('dd', {}, el('ul', { class: 'inline-list' }, values.map((v) => el('li', { text: v }))))
        : el('dd', { text: values[0] })));
  }
  return items.length ? el('dl', { class: 'facts' }, items) : null;
}

/** "0,3 + 1 + 0,1 = 1,4 ETP": the terms the API says the ETP was summed from (shown from two terms on). */
export function etpComputation(fiche) {
  const terms = fiche.calcul_etp || [];
  if (terms.length < 2 || fiche.etp === null || fiche.etp === undefined) return null;
  return `${terms.map((t) => formatDecimal(t.etp)).join(' + ')} = ${formatEtp(fiche.etp)}`;
}

/** A figure read from raw text, shown next to that text (with its computation, when it is a sum). */
function figureWithSource(label, figure, raw, missing, computation = null) {
  const blocks = [];
  blocks.push(el('p', { class: 'figure' }, el('strong', { text: `${label} : ` }), figure || missing));
  if (computation) blocks.push(el('p', { class: 'figure-sum' }, 'Calcul : ', el('span', { class: 'sum', text: computation })));
  if (hasText(raw)) {
    blocks.push(el('div', { class: 'raw-text' },
      el('p', { class: 'raw-label', text: 'Texte de la fiche :' }), textBlocks(raw)));
  }
  return blocks;
}

/** Where the fiche came from, as a person reads it: a file name or « Catalogue SENACS », never a server path. */
function sourceSection(fiche) {
  const items = [];
  const label = fiche.source_label || fiche.source_file;
  if (label && label === 'Catalogue SENACS') {
    items.push(el('li', { text: label }));
  } else if (label) {
    const where = fiche.source_line ? `${label}, ligne ${fiche.source_line}` : label;
    items.push(el('li', {}, 'Fichier importé : ', el('span', { text: where })));
  }
  if (fiche.source_url) {
    const href = safeHttpUrl(fiche.source_url);
    items.push(el('li', {}, 'Adresse d’origine : ',
      href ? el('a', { href, rel: 'noopener noreferrer', text: fiche.source_url }) : el('span', { text: fiche.source_url })));
  }
  return items.length ? section('Source', el('ul', {}, items)) : null;
}

function duplicatesSection(state, fiche) {
  const dups = fiche.duplicates || [];
  if (dups.length === 0) return null;
  return section('Fiches presque identiques',
    el('p', { class: 'muted', text: 'La même action, décrite par d’autres structures ou d’autres années.' }),
    el('ul', { class: 'dup-list' }, dups.map((d) => el('li', {},
      el('a', { href: stateUrl(withChanges(state, { fiche: d.id })), class: 'fiche-link', dataset: { fiche: d.id } },
        d.title || 'Fiche sans titre'),
      el('span', { class: 'muted', text: ` — ${[d.structure, d.departement, d.year].filter(Boolean).join(' · ')}` })))));
}

function similarSection(state, similar) {
  if (!similar || similar.length === 0) return null;
  return classed(section('Fiches similaires',
    el('ul', { class: 'results similar' }, similar.map((hit) => el('li', {}, card(state, hit, [], 3))))), 'no-print');
}

/** Render a fiche; `state` is the search state the back link returns to. */
export function renderFiche(container, state, fiche, similar, onBack) {
  const back = el('a', {
    href: stateUrl(withChanges(state, { fiche: null })),
    class: 'back-link',
    dataset: { key: 'back' },
    onclick: onBack,
  }, state.comparer ? '← Retour à la comparaison' : '← Retour aux résultats');
  const print = el('button', { type: 'button', class: 'secondary print-button', onclick: () => window.print() },
    'Imprimer la fiche');

  setChildren(container,
    el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la fiche' }, back, print),
    el('header', { class: 'fiche-header' },
      el('h1', { id: 'fiche-title', tabindex: '-1', text: fiche.title || 'Fiche sans titre' }),
      metaLine(fiche) ? el('p', { class: 'fiche-meta', text: metaLine(fiche) }) : null,
      structureLine(fiche),
      incompleteNotice(fiche)),
    factRows(fiche),
    classed(textSection('Résumé', fiche.resume), 'fiche-resume'),
    textSection('Diagnostic à l’origine de l’action', fiche.diagnostic),
    textSection('L’expérience : objectifs, acteurs et étapes', fiche.description_experience),
    textSection('Description générale', fiche.description_generale),
    section('Moyens mobilisés',
      (hasText(fiche.ressources_financieres) || fiche.budget_eur !== null && fiche.budget_eur !== undefined)
        ? subSection('Ressources financières',
          figureWithSource('Budget retenu', formatBudget(fiche.budget_eur), fiche.ressources_financieres, 'non indiqué'))
        : null,
      (hasText(fiche.personnes_mobilisees) || fiche.etp !== null && fiche.etp !== undefined)
        ? subSection('Personnes mobilisées',
          figureWithSource('Équivalent temps plein', formatEtp(fiche.etp), fiche.personnes_mobilisees, 'non calculable',
            etpComputation(fiche)))
        : null),
    section('Résultats',
      hasText(fiche.resultat_territoire) ? subSection('Sur le territoire', textBlocks(fiche.resultat_territoire)) : null,
      hasText(fiche.resultat_centre) ? subSection('Pour le centre social', textBlocks(fiche.resultat_centre)) : null,
      hasText(fiche.resultat_habitants) ? subSection('Pour les habitants', textBlocks(fiche.resultat_habitants)) : null),
    textSection('Impacts et effets positifs', fiche.impacts),
    textSection('Facteurs de réussite', fiche.facteurs_reussite),
    textSection('Limites', fiche.limites),
    textSection('Perspectives', fiche.perspectives),
    (fiche.attachments || []).length
      ? section('Fichiers associés', el('ul', {}, fiche.attachments.map((a) => el('li', { text: a })))) : null,
    duplicatesSection(state, fiche),
    similarSection(state, similar),
    sourceSection(fiche));
}

export function renderFicheError(container, state, message, onBack) {
  setChildren(container,
    el('nav', { class: 'fiche-nav', 'aria-label': 'Navigation de la fiche' },
      el('a', { href: stateUrl(withChanges(state, { fiche: null })), class: 'back-link', onclick: onBack },
        '← Retour aux résultats')),
    el('h1', { id: 'fiche-title', tabindex: '-1', text: 'Fiche introuvable' }),
    el('p', { text: message }));
}

let controller = null;

/** Fetch a fiche and its similar fiches, render it, title the page and (when asked) focus its title. */
export function loadFiche(container, state, { setBusy, site, focus, onBack }) {
  const id = state.fiche;
  if (controller) controller.abort();
  const current = new AbortController();
  controller = current;
  const { signal } = current;
  const done = (title) => {
    document.title = typo(`${title} – ${site}`);
    if (!focus) return;
    window.scrollTo(0, 0);
    document.getElementById('fiche-title').focus({ preventScroll: true });
  };
  setBusy(+1);
  Promise.all([
    cached(`fiche/${id}`, () => getFiche(id, { signal })),
    cached(`similar/${id}`, () => getSimilar(id, { signal })).catch((error) => {
      if (error.name === 'AbortError') throw error;
      return { hits: [] };
    }),
  ])
    .then(([fiche, similar]) => {
      if (controller !== current) return;
      renderFiche(container, state, fiche, similar.hits || [], onBack);
      enhanceFiche(container, state);
      done(fiche.title || 'Fiche');
    })
    .catch((error) => {
      if (error.name === 'AbortError' || controller !== current) return;
      renderFicheError(container, state, error.message, onBack);
      done('Fiche introuvable');
    })
    .finally(() => setBusy(-1));
}
