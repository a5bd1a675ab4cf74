// The catalogue kinds by route segment.
import type { CatalogueKindName } from '../router';
import type { CatalogueKind } from './Catalogue';
import { customQuestions } from './CustomQuestions';
import { services } from './Services';
import { staffMembers } from './StaffMembers';

export const CATALOGUE: Record<CatalogueKindName, CatalogueKind> = { services, staffMembers, customQuestions };
