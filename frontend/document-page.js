// Entry point of document.html: a projet social or federation plan, or one of its units.

import { loadDocumentPage } from './document.js';

loadDocumentPage(document.getElementById('document-view'));
