// Projets sociaux and federation plans: the units found beside the fiche results, and the document page
// (document.html?id=…&partie=…): a unit in its document (axe → objectif → objectifs opérationnels →
// indicateurs), with links to the whole document and to its structure. API text only becomes text nodes.

import { getJSON } from './api.js';
import { el, setChildren, formatInteger, plural } from './format.js';

const SITE = 'Fiches actions des centres sociaux';
const NBSP = '\u00a0';

/** Address of a document, or of one of its units. */
export function documentUrl(id, position = null) {
  const params = new URLSearchParams({ id });
  if (position !== null && position !== undefined) params.set('partie', String(position));
  return `document.html?${params}`;
}

/**
 * Where a document's structure leads: the structure's page when the catalogue knows it (`structure_id`, linked
 * by name as fiches are), else a search for its name.
 */
export function structureUrl(doc) {
  if (doc.structure_id) return `./?${new URLSearchParams({ structure: doc.structure_id })}`;
  return `./?${new URLSearchParams({ q: doc.structure })}`;
}

function typeLine(doc) {
  return [doc.type_label, doc.periode ? `période ${doc.periode}` : null].filter(Boolean).join(' · ');
}

function listBlock(title, items, cls) {
  if (!items || !items.length) return null;
  return el('section', { class: `unit-block ${cls}` },
    el('h3', { text: title }),
    el('ul', {}, items.map((item) => el('li', { text: item }))));
}

function paragraphs(text) {
  return (text || '').split('\n').filter((line) => line.trim()).map((line) => el('p', { text: line }));
}

/** The parts of a unit, in the order a reader follows them: objectives, indicators, examples, the rest. */
function unitBody(unit) {
  const parts = (unit.parties || []).filter((part) => part.cle !== 'objectifs_operationnels' || !unit.objectifs_operationnels.length);
  return [
    listBlock('Objectifs opérationnels', unit.objectifs_operationnels, 'unit-objectives'),
    listBlock('Indicateurs de résultats', unit.indicateurs, 'unit-indicators'),
    listBlock('Exemples', unit.exemples, 'unit-examples'),
    ...parts.map((part) => el('section', { class: 'unit-block' }, el('h3', { text: part.titre }), paragraphs(part.texte))),
    unit.texte ? el('div', { class: 'unit-text' }, paragraphs(unit.texte)) : null,
  ];
}

// ---- Beside the fiche results (placed by document-types.js) ---------------------------

/** A unit found, as a card: its title links to it in its document; its structure to the structure's page. */
export function hitCard(hit) {
  const doc = hit.document;
  const indicators = (hit.indicateurs || []).slice(0, 3);
  const about = [...new Set([doc.type_label, doc.title].filter(Boolean))].join(' · ');
  const structure = doc.structure && doc.structure !== doc.title
    ? (doc.structure_id
      ? el('a', { href: structureUrl(doc), dataset: { structure: doc.structure_id } }, doc.structure)
      : doc.structure)
    : null;
  return el('li', {},
    el('article', { class: 'card unit-card' },
      el('h3', { class: 'card-title' }, el('a', { href: documentUrl(doc.id, hit.position) }, hit.titre)),
      el('p', { class: 'card-meta' }, about, structure ? ' · ' : null, structure),
      hit.axe ? el('p', { class: 'unit-axis', text: hit.axe }) : null,
      indicators.length ? el('p', { class: 'unit-indicators-line' },
        el('span', { class: 'figure-label', text: `Indicateurs${NBSP}: ` }), indicators.join(' ; ')) : null));
}

// ---- The document page -----------------------------------------------------------------

function header(doc) {
  const where = [];
  if (doc.structure) {
    where.push(el('li', {}, el('span', { class: 'figure-label', text: `Structure${NBSP}: ` }),
      el('a', { href: structureUrl(doc) }, doc.structure)));
  }
  if (doc.territoire) where.push(el('li', {}, el('span', { class: 'figure-label', text: `Territoire${NBSP}: ` }), doc.territoire));
  if (doc.source_file) where.push(el('li', {}, el('span', { class: 'figure-label', text: `Fichier${NBSP}: ` }), doc.source_file));
  return [
    el('p', { class: 'kicker', text: typeLine(doc) }),
    el('h1', { id: 'document-title', tabindex: '-1', text: doc.title }),
    where.length ? el('ul', { class: 'document-meta' }, where) : null,
  ];
}

function unitView(doc, unit) {
  const count = doc.units.length;
  const before = doc.units[unit.position - 1];
  const after = doc.units[unit.position + 1];
  return [
    el('nav', { class: 'breadcrumb', 'aria-label': 'Fil d’Ariane' },
      el('ol', {},
        el('li', {}, el('a', { href: documentUrl(doc.id) }, doc.title)),
        unit.axe ? el('li', { text: unit.axe }) : null,
        el('li', { 'aria-current': 'page', text: unit.titre }))),
    el('section', { class: 'unit unit-focus', 'aria-labelledby': 'unit-title' },
      unit.axe ? el('p', { class: 'unit-axis', text: unit.axe }) : null,
      el('h2', { id: 'unit-title', text: unit.titre }),
      unitBody(unit)),
    el('nav', { class: 'unit-nav', 'aria-label': 'Autres parties du document' },
      el('ul', {},
        before ? el('li', {}, el('a', { href: documentUrl(doc.id, before.position), rel: 'prev' }, `← ${before.titre}`)) : null,
        el('li', {}, el('a', { href: documentUrl(doc.id), id: 'whole-document' },
          `Lire tout le document (${formatInteger(count)} ${plural(count, 'partie', 'parties')})`)),
        after ? el('li', {}, el('a', { href: documentUrl(doc.id, after.position), rel: 'next' }, `${after.titre} →`)) : null)),
  ];
}

function wholeView(doc) {
  const out = [];
  let axis = null;
  for (const unit of doc.units) {
    if (unit.axe && unit.axe !== axis) {
      axis = unit.axe;
      out.push(el('h2', { class: 'axis-heading', text: axis }));
    }
    out.push(el('section', { class: 'unit', id: `partie-${unit.position}`, 'aria-labelledby': `titre-${unit.position}` },
      el('h3', { id: `titre-${unit.position}`, class: 'unit-title' },
        el('a', { href: documentUrl(doc.id, unit.position) }, unit.titre)),
      unitBody(unit)));
  }
  return out;
}

/** Render document.html from its address. */
export async function loadDocumentPage(root) {
  const params = new URLSearchParams(window.location.search);
  const id = params.get('id') || '';
  const position = params.has('partie') ? Number(params.get('partie')) : null;
  root.setAttribute('aria-busy', 'true');
  try {
    const doc = await getJSON(`api/documents/${encodeURIComponent(id)}`);
    const unit = position !== null ? doc.units.find((u) => u.position === position) : null;
    setChildren(root, header(doc), unit ? unitView(doc, unit) : wholeView(doc));
    document.title = `${unit ? `${unit.titre} – ` : ''}${doc.title} – ${SITE}`;
  } catch (error) {
    setChildren(root,
      el('h1', { id: 'document-title', tabindex: '-1', text: 'Document introuvable' }),
      el('p', { class: 'alert', role: 'alert', text: error.message }),
      el('p', {}, el('a', { href: './' }, 'Retour à la recherche')));
    document.title = `Document introuvable – ${SITE}`;
  } finally {
    root.removeAttribute('aria-busy');
  }
}
