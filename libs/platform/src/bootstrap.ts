import { BadRequestException, DynamicModule, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadNodeConfig, NodeConfig } from './config';
import { DomainErrorFilter } from './errors';
import { JsonLogger } from './logger';

/** Bodies over 1 MiB are refused with 413 before they reach a handler. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface RunNodeOptions {
  /** Provider token of the transport strategy that consumes federation topics, if this node consumes. */
  consumer?: abstract new (...args: never[]) => CustomTransportStrategy;
}

/** Boots one federation node: typed config, JSON logs, Fastify HTTP, validation, the consumer if any. */
export async function runNode(
  appModule: (config: NodeConfig) => DynamicModule,
  options: RunNodeOptions = {},
): Promise<NestFastifyApplication> {
  const config = loadNodeConfig();
  const logger = new JsonLogger({ node: config.node.code, tier: config.node.tier }, config.logLevel);
  const app = await NestFactory.create<NestFastifyApplication>(
    appModule(config),
    new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
    // bodyParser off: configureHttp installs the JSON parser (with its nesting limit) itself.
    { logger, abortOnError: false, bodyParser: false },
  );
  configureHttp(app);
  app.enableShutdownHooks();
  if (options.consumer) {
    app.connectMicroservice({ strategy: app.get(options.consumer) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.listen(config.httpPort, config.httpHost);
  logger.log({ msg: 'node listening', url: `http://${config.httpHost}:${config.httpPort}` }, 'Bootstrap');
  return app;
}

/** JSON bodies nesting deeper are refused with 400 before validation walks them recursively. */
export const MAX_JSON_DEPTH = 32;

/** The HTTP edge every node shares; also used by tests that boot a module in-process. */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    // A NUL decoded from the path or the query would reach SQL as a parameter PostgreSQL text cannot
    // hold (invalid byte sequence: a 500); no route here has a use for one.
    if (holdsEncodedNul(request.url)) {
      return done(refusedAtEdge('the URL must not contain a NUL character (%00), in its path or its query'));
    }
    done();
  });
  const parseJson = fastify.getDefaultJsonParser('error', 'ignore');
  // Bodies are JSON only: fastify's own text/plain parser would hand a handler a string, refused with
  // field errors of a string rather than 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // parseAs 'string' hands a string; the default parser keeps Fastify's prototype-poisoning guard.
    void parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        return done(refusedAtEdge(`JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      }
      // An escaped lone surrogate parses into a string that is not Unicode text: PostgreSQL's json
      // and jsonb refuse it, so it would fail a write with 500 instead of a 400 here. The cheap test
      // on the raw text first: an escaped surrogate at all (a pair is usually sent as raw UTF-8).
      if (ESCAPED_SURROGATE.test(body as string) && holdsLoneSurrogate(value)) {
        return done(
          refusedAtEdge('JSON body holds an unpaired UTF-16 surrogate: not Unicode text'),
          undefined,
        );
      }
      done(null, value);
    });
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(flatten(errors)),
    }),
  );
  app.useGlobalFilters(new DomainErrorFilter());
}

/**
 * The 400 answer `{ statusCode, message }` to a request refused before any handler (its URL, its
 * JSON). An HttpException, so Nest answers it as the client's error and does not log it as the node's.
 */
export function refusedAtEdge(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message });
}

/**
 * Whether a request target (path and query, as sent) decodes to a NUL: `%00`, or a NUL itself.
 * Percent-decoding yields a NUL from nothing else (an overlong UTF-8 form does not decode).
 */
export function holdsEncodedNul(url: string): boolean {
  return url.includes('%00') || url.includes('\0');
}

/** A field's errors as the 400 answer lists them: `{ field: "applicant.idNumber", messages: [...] }`. */
export interface FieldErrors {
  field: string;
  messages: string[];
}

/** The 400 answer to invalid input, the same wherever it is found (body, query or header). */
export function validationFailed(errors: FieldErrors[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: 'validation failed',
    errors,
  });
}

/**
 * Validates a body against a DTO chosen at run time (the global pipe only knows the declared type),
 * with the global pipe's options and its 400 answer.
 */
export async function validateDto<T extends object>(cls: new () => T, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationFailed([{ field: '(body)', messages: ['the body must be a JSON object'] }]);
  }
  const instance = plainToInstance(cls, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw validationFailed(flatten(errors));
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix = ''): FieldErrors[] {
  return errors.flatMap((e) => {
    const field = prefix + e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], `${field}.`)];
  });
}

/** A JSON escape of a surrogate (`\ud800`–`\udfff`), paired or not. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a string anywhere in a parsed JSON value, key or value, holds an unpaired surrogate. */
export function holdsLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return true;
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (LONE_SURROGATE.test(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Iterative, so a hostile body cannot exhaust the stack while being measured. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
