// A business's custom questions: their list, page and form. A radioButton question offers answer options
// (one per line in the form); a text question offers none (the server says so when they disagree).
import type { CatalogueKind } from './Catalogue';

export const customQuestions: CatalogueKind = {
  name: 'customQuestions',
  type: 'microsoft.graph.bookingCustomQuestion',
  noun: 'custom questions',
  singular: 'custom question',
  title: 'Custom questions',
  columns: [
    { name: 'displayName', label: 'Question' },
    { name: 'answerInputType', label: 'Answer' },
    { name: 'answerOptions', label: 'Options', render: (e) => (Array.isArray(e.answerOptions) ? e.answerOptions.join(', ') : '') },
  ],
  fields: ['displayName', 'answerInputType', 'answerOptions'],
  details: ['displayName', 'answerInputType', 'answerOptions', 'id', 'createdDateTime', 'lastUpdatedDateTime'],
  // The server takes a deleted question out of the services that ask it (README).
  deleteNote: 'Services that ask this question will no longer.',
  hints: { answerOptions: 'For radioButton questions; none for text questions' },
};
