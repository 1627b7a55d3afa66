// Calls to the JSON API (relative URLs, so the page works under any prefix).

export class ApiError extends Error {
  constructor(message, status, detail = {}) {
    super(message);
    this.status = status;
    this.detail = detail; // the error's `detail` (e.g. `parameter`: the query parameter refused)
  }
}

/** GET a JSON document; errors carry the API's French message. */
export async function getJSON(path, { signal } = {}) {
  let response;
  try {
    response = await fetch(path, { signal, headers: { Accept: 'application/json' } });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError('Le service de recherche ne répond pas. Vérifiez votre connexion puis réessayez.', 0);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error && body.error.message
      ? body.error.message
      : `Le service a répondu par une erreur (${response.status}). Réessayez dans un instant.`;
    throw new ApiError(message, response.status, body?.error?.detail || {});
  }
  return body;
}

const cache = new Map(); // key → API response, so back and forward render at once

/** The cached answer for `key`, else `load()`'s (kept once it succeeds). */
export function cached(key, load) {
  if (cache.has(key)) return Promise.resolve(cache.get(key));
  return load().then((value) => {
    cache.set(key, value);
    if (cache.size > 60) cache.delete(cache.keys().next().value);
    return value;
  });
}

/** The cached answer for `key`, or undefined. */
export function cachedValue(key) {
  return cache.get(key);
}

export function isCached(key) {
  return cache.has(key);
}

export function searchFiches(query, options) {
  return getJSON(`api/fiches?${query}`, options);
}

export function getFiche(id, options) {
  return getJSON(`api/fiches/${encodeURIComponent(id)}`, options);
}

export function getSimilar(id, options) {
  return getJSON(`api/fiches/${encodeURIComponent(id)}/similaires`, options);
}

export function getSuggestions(q, options) {
  return getJSON(`api/suggest?q=${encodeURIComponent(q)}`, options);
}

/** `csv` and `json`: the full, re-importable export; `tableur`: the CSV in French for a spreadsheet. */
export function exportUrl(format, query) {
  const path = format === 'tableur' ? 'api/tableur.csv' : `api/fiches.${format}`;
  return `${path}${query ? `?${query}` : ''}`;
}

/** Fetch several fiches (cached): `[{id, fiche}]`, or `{id, message}` for one that cannot be read. */
export function getFiches(ids, { signal } = {}) {
  return Promise.all(ids.map((id) => cached(`fiche/${id}`, () => getFiche(id, { signal }))
    .then((fiche) => ({ id, fiche }), (error) => {
      if (error.name === 'AbortError') throw error;
      return { id, message: error.message };
    })));
}
