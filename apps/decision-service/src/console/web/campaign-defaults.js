// @ts-check
import { get } from './api.js';

/**
 * The defaults of a new campaign as the API states them in its OpenAPI document (zod's defaults of the create body),
 * so the form shows what an empty field means without a second copy of the rules; empty when the document is unreadable.
 * @returns {Promise<Record<string, any>>}
 */
export async function createDefaults() {
  try {
    const doc = await get('/openapi.json');
    /** @param {any} schema @returns {any} */
    const resolve = (schema) =>
      schema && typeof schema.$ref === 'string'
        ? doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')]
        : schema;
    /** @param {any} schema @returns {Record<string, any>} */
    const defaults = (schema) => {
      /** @type {Record<string, any>} */
      const out = {};
      for (const [key, raw] of Object.entries(resolve(schema)?.properties ?? {})) {
        const prop = resolve(raw);
        if (prop?.properties) out[key] = { ...prop.default, ...defaults(prop) };
        else if (prop?.default !== undefined) out[key] = prop.default;
      }
      return out;
    };
    return defaults(doc.paths['/campaigns'].post.requestBody.content['application/json'].schema);
  } catch {
    return {};
  }
}
