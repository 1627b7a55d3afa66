// DOM building and French formatting helpers. API text only ever becomes text nodes.

const integerFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const longDates = new Map(); // time zone → formatter

/**
 * A long French date, "14 février 2026", and "1er décembre 2026" on the first of a month (Intl writes
 * "1 décembre"). `timeZone`: the zone the date is read in (default: the reader's).
 */
export function longDate(date, timeZone = undefined) {
  let format = longDates.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
    longDates.set(timeZone, format);
  }
  return format.formatToParts(date).map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.value)).join('');
}

/**
 * French typography for what a person reads: a non-breaking space before ":", ";", "?" and "!" and inside
 * « », where a plain space (or none, for « ») was typed. Applied to every text `el()` writes.
 */
export function typo(text) {
  return String(text)
    .replace(/[ \t]+([:;?!»])/g, '\u00a0$1')
    .replace(/«[ \t\u00a0\u202f]*/g, '«\u00a0')
    .replace(/([^\s\u00a0])»/g, '$1\u00a0»');
}

/** A controlled value with its capital ("familles" → "Familles", "éducation / scolarité" → "Éducation / scolarité"). */
export function displayValue(value) {
  const text = String(value ?? '');
  return text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);
}

export const LONG_QUERY = 60; // characters of the query shown in the heading and the title

/** The query as the heading and the title show it: a very long one is shortened. */
export function shortQuery(q) {
  return q.length > LONG_QUERY ? `${q.slice(0, LONG_QUERY - 1).trimEnd()}…` : q;
}

/** The results heading of a search: "Résultats pour « … »", or "Toutes les fiches" without words. */
export function resultsHeading(q) {
  return q ? `Résultats pour «\u00a0${shortQuery(q)}\u00a0»` : 'Toutes les fiches';
}

/** Create an element. `attrs` keys: class, text, dataset, on<event>, or any attribute. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = typo(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(typo(child)));
  }
}

/** Replace every child of `node`. */
export function setChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

export function formatInteger(n) {
  return integerFormat.format(n);
}

export function formatDecimal(n) {
  return decimalFormat.format(n);
}

/** 12500 → "12 500 €", 38297.47 → "38 297,47 €". */
export function formatBudget(amount) {
  if (amount === null || amount === undefined) return null;
  const cents = Math.round(amount * 100) % 100 !== 0;
  return new Intl.NumberFormat('fr-FR', {
    style: 'currency',
    currency: 'EUR',
    minimumFractionDigits: cents ? 2 : 0,
    maximumFractionDigits: cents ? 2 : 0,
  }).format(amount);
}

/** 0.5 → "0,5 ETP". */
export function formatEtp(etp) {
  if (etp === null || etp === undefined) return null;
  return `${decimalFormat.format(etp)} ETP`;
}

/** French plural: 0 and 1 take the singular. */
export function plural(count, singular, pluralForm) {
  return Math.abs(count) < 2 ? singular : pluralForm;
}

/**
 * "Aucune fiche trouvée", "1 234 fiches trouvées"; when near-duplicates are folded (`fiches` > `total`):
 * "120 actions (134 fiches)".
 */
export function countLabel(total, fiches = total) {
  if (total === 0) return 'Aucune fiche trouvée';
  if (fiches > total) {
    return `${formatInteger(total)} ${plural(total, 'action', 'actions')} (${formatInteger(fiches)} fiches)`;
  }
  return `${formatInteger(total)} ${plural(total, 'fiche trouvée', 'fiches trouvées')}`;
}

const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decode the entities of escaped text, without ever parsing it as HTML. */
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X'
        ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code) : whole;
    }
    const named = NAMED_ENTITIES[body.toLowerCase()];
    return named === undefined ? whole : named;
  });
}

/**
 * Build the API's snippet (escaped text with only <mark>…</mark>) as nodes:
 * text nodes and <mark> elements, never innerHTML.
 */
export function snippetNodes(snippet) {
  const nodes = [];
  let mark = null;
  for (const part of String(snippet || '').split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') {
      mark = document.createElement('mark');
      nodes.push(mark);
    } else if (part === '</mark>') {
      mark = null;
    } else if (part) {
      const text = document.createTextNode(typo(decodeEntities(part)));
      if (mark) mark.append(text); else nodes.push(text);
    }
  }
  return nodes;
}

/** Lowercase and strip accents, for accent-insensitive matching. */
export function fold(text) {
  return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** An http(s) URL as given, or null: never a javascript: or data: link. */
export function safeHttpUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(String(value), window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Parse "0,5", "12 500", "12500.5", "10k", "15 k€" typed by a user; NaN when not a number; null when empty. */
export function parseUserNumber(text) {
  let cleaned = String(text).replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.').toLowerCase();
  if (cleaned === '') return null;
  const thousands = cleaned.endsWith('k');
  if (thousands) cleaned = cleaned.slice(0, -1);
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return NaN;
  return thousands ? Math.round(Number(cleaned) * 1000 * 100) / 100 : Number(cleaned);
}
