// Autocompletion of the search box: the API's suggestions in its datalist, a short pause after each key.

import { cached, getSuggestions } from './api.js';
import { el, setChildren } from './format.js';

const SUGGEST_DELAY = 200;
const SHOWN = 8;

/** Wire the suggestions of `input` into `datalist`. */
export function setupSuggestions(input, datalist) {
  let timer = null;
  const suggest = async () => {
    const q = input.value.trim();
    if (q.length < 2) { datalist.replaceChildren(); return; }
    try {
      const { suggestions } = await cached(`suggest?${q}`, () => getSuggestions(q));
      if (input.value.trim() !== q) return;
      setChildren(datalist, (suggestions || []).slice(0, SHOWN).map((s) => el('option', { value: s })));
    } catch {
      datalist.replaceChildren(); // suggestions are a convenience: the search itself reports errors
    }
  };
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, SUGGEST_DELAY);
  });
}
