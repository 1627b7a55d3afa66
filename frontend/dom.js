// The page's elements the entry point works on, looked up once; and what a plain click is.

export const $ = (id) => document.getElementById(id);
export const dom = {
  form: $('search-form'), q: $('q'), datalist: $('q-suggestions'), busy: $('busy'),
  filters: $('filters'), filtersToggle: $('filters-toggle'), filtersCount: $('filters-toggle-count'),
  ranges: $('ranges-form'), facets: $('facets'), searchView: $('search-view'), heading: $('results-heading'),
  count: $('count'), alert: $('alert'), didYouMean: $('did-you-mean'), sort: $('sort'), csv: $('export-csv'), json: $('export-json'),
  chips: $('chips'), empty: $('empty'), results: $('results'), near: $('near'), pager: $('pager'), ficheView: $('fiche-view'),
  compareBar: $('compare-bar'), compareView: $('compare-view'), tableur: $('export-tableur'), exports: $('exports'),
  map: $('map'), selectionBar: $('selection-bar'), selectionView: $('selection-view'), landing: $('landing'),
  structureView: $('structure-view'),
};

// A left click without a modifier: the page handles it (the others open a new tab or window).
export function plainClick(event) {
  return event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey;
}
