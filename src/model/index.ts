// The model Clientele serves: every schema declared under ./schemas.
import { Model } from './model.js';
import { customerCreationSchema } from './schemas/customer-creation.js';
import { graphSchema } from './schemas/graph.js';
import { partnerSchema } from './schemas/partner.js';
import { subscriptionSchema } from './schemas/subscriptions.js';

export function loadModel(): Model {
  return new Model([graphSchema, customerCreationSchema, partnerSchema, subscriptionSchema]);
}
