// On the search page: the choice of type (fiches, projets sociaux, plans fédéraux) above the results, and the
// parts of projets sociaux and plans fédéraux found, after the fiche results or in their place.

import { attachDocumentTypes } from './document-types.js';

attachDocumentTypes();
