// The models Clientele serves, one per API version, from every schema declared under ./schemas.
import { API_VERSIONS, type ApiVersion } from './edm.js';
import { Model } from './model.js';
import { bookingsAppointmentsSchema } from './schemas/bookings-appointments.js';
import { bookingsCatalogueSchema } from './schemas/bookings-catalogue.js';
import { customerCreationSchema } from './schemas/customer-creation.js';
import { graphSchema } from './schemas/graph.js';
import { partnerSchema } from './schemas/partner.js';
import { subscriptionSchema } from './schemas/subscriptions.js';
import { projectSchema } from './versions.js';

const SCHEMAS = [graphSchema, bookingsCatalogueSchema, bookingsAppointmentsSchema, customerCreationSchema, partnerSchema, subscriptionSchema];

/** Every version's model; each knows the others (storage is the union of their shapes). */
export function loadModels(): ReadonlyMap<ApiVersion, Model> {
  const models = new Map<ApiVersion, Model>(API_VERSIONS.map((v) => [v, new Model(SCHEMAS.map((s) => projectSchema(s, v)), v)]));
  for (const m of models.values()) m.versions = models;
  return models;
}

/**
 * One version's model (beta unless told): the shape the CLI's import and export read and write. Its
 * `versions` hold the others, so storage built from it is the same whichever version is asked for.
 */
export function loadModel(version: ApiVersion = 'beta'): Model {
  return loadModels().get(version)!;
}
