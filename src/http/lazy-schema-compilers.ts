import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify's own schema compilers (Ajv for validation, fast-json-stringify for responses), made lazy:
 * a route's validator or serializer is compiled when its first request needs it, not when the route
 * is registered. Only the admin API declares schemas, and compiling all of them at start-up (Ajv,
 * its generated code, one serializer per response) kept ~10 MB resident in every process, most of
 * which never serves an admin call. Same compilers, same options, same results; only the moment
 * changes (a schema error would now surface on the route's first request: test/flows/admin-api*
 * exercise every route). test/cli/lazy-modules.test.ts checks that Ajv is not loaded at idle.
 * One difference a future route could meet: Fastify treats a compiler given this way as custom and
 * then does not lower-case the property names of a `headers` schema (no route declares one).
 */

type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;
type Builder<F> = (externalSchemas: unknown, options: unknown) => (route: unknown) => F;

// resolved from Fastify's package, the way Fastify itself loads its default compilers
const fromFastify = createRequire(import.meta.resolve('fastify'));

let defaultValidatorBuilder: Builder<Validate> | undefined;
let defaultSerializerBuilder: Builder<Serialize> | undefined;

function validatorBuilder(): Builder<Validate> {
  return (defaultValidatorBuilder ??= (fromFastify('@fastify/ajv-compiler') as () => Builder<Validate>)());
}

function serializerBuilder(): Builder<Serialize> {
  return (defaultSerializerBuilder ??= (fromFastify('@fastify/fast-json-stringify-compiler') as () => Builder<Serialize>)());
}

function lazyValidator(compile: () => Validate): Validate {
  let real: Validate | undefined;
  const get = () => (real ??= compile());
  const validate: Validate = (data, context) => {
    const fn = get();
    const result = context === undefined ? fn(data) : fn(data, context);
    validate.errors = fn.errors; // Fastify reads the errors from the function it called
    return result;
  };
  // Fastify passes Ajv's parent data only to a function that has Ajv's schemaEnv: asking compiles
  Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
  return validate;
}

/** The `schemaController` option of the Fastify server: the default compilers, each route's on first use. */
export const lazySchemaController = {
  compilersFactory: {
    buildValidator: (externalSchemas: unknown, options: unknown) => (route: unknown) =>
      lazyValidator(() => validatorBuilder()(externalSchemas, options)(route)),
    buildSerializer: (externalSchemas: unknown, options: unknown) => (route: unknown) => {
      let real: Serialize | undefined;
      return (data: unknown) => (real ??= serializerBuilder()(externalSchemas, options)(route))(data);
    },
  },
  // Fastify's types describe Ajv's function types; these wrappers behave as them at every use Fastify makes
} as unknown as NonNullable<FastifyServerOptions['schemaController']>;
