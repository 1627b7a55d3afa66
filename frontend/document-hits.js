// On the search page: the units of projets sociaux and federation plans found, after the fiche results.

import { attachDocumentHits } from './document.js';

attachDocumentHits();
