import { Body, Controller, Get, LoggerService, Param, Post, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureHttp, holdsEncodedNul, holdsLoneSurrogate, nestsDeeperThan } from './bootstrap';

describe('the JSON guards of the HTTP edge', () => {
  it('find an unpaired surrogate in any string, key or value, at any depth, and nothing in text', () => {
    expect(holdsLoneSurrogate({ a: [1, { b: 'x\ud800' }] })).toBe(true);
    expect(holdsLoneSurrogate({ a: '\udc00y' })).toBe(true);
    expect(holdsLoneSurrogate({ ['k\udbff']: 1 })).toBe(true);
    expect(holdsLoneSurrogate('\ude00\ud83d')).toBe(true); // a pair in the wrong order is two lone halves
    expect(holdsLoneSurrogate({ a: '😀 王小明', b: ['\ud83d\ude00'], c: null, d: 3 })).toBe(false);
  });

  it('measure nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(nestsDeeperThan(deep, 32)).toBe(true);
    expect(nestsDeeperThan({ a: { b: { c: 1 } } }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: { b: { c: {} } } }, 3)).toBe(true);
  });
});

describe('the HTTP edge every node shares', () => {
  const handled: unknown[] = [];

  @Controller('echo')
  class EchoController {
    @Get(':id')
    get(@Param('id') id: string, @Query('q') q?: string) {
      handled.push(id);
      return { id, q };
    }

    @Post()
    post(@Body() body: unknown) {
      handled.push(body);
      return body;
    }
  }

  /** What Nest logged at error level (an error answered as the node's fault logs there, with a stack). */
  const errors: unknown[] = [];
  const logger: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => void errors.push(args),
  };
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({ controllers: [EchoController] }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger,
      bodyParser: false,
    });
    configureHttp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app?.close());

  beforeEach(() => {
    handled.length = 0;
    errors.length = 0;
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: string) =>
    app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, payload, headers: payload ? { 'content-type': 'application/json' } : {} });

  it.each([
    ['in the path', '/echo/abc%00'],
    ['in the query', '/echo/abc?q=%00'],
    ['in the middle of a query value', '/echo/abc?q=a%00b&r=1'],
    ['in a query key', '/echo/abc?%00=1'],
    ['on an unknown route', '/nothing/%00'],
  ])('refuses a NUL %s: 400 with the reason, before any handler', async (_where, url) => {
    const res = await inject('GET', url);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      statusCode: 400,
      message: 'the URL must not contain a NUL character (%00), in its path or its query',
    });
    expect(handled).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('lets an encoded percent sign through: %2500 decodes to the text "%00", not a NUL', async () => {
    const res = await inject('GET', '/echo/a%2500?q=%2500');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'a%00', q: '%00' });
  });

  it.each([
    ['nests too deep', '{"d":'.repeat(40) + '1' + '}'.repeat(40), 'JSON body nests deeper than 32 levels'],
    [
      'holds a lone surrogate',
      '{"name":"\\ud800"}',
      'JSON body holds an unpaired UTF-16 surrogate: not Unicode text',
    ],
  ])(
    'answers a body that %s 400 with the reason, as a client error not logged as an error',
    async (_what, body, message) => {
      const res = await inject('POST', '/echo', body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ statusCode: 400, message });
      expect(handled).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it.each([['text/plain'], ['application/x-www-form-urlencoded']])(
    'answers a %s body 415, not field errors of a string',
    async (type) => {
      const res = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: 'POST',
          url: '/echo',
          payload: '{"name":"王小明"}',
          headers: { 'content-type': type },
        });
      expect(res.statusCode).toBe(415);
      expect(handled).toEqual([]);
      expect(errors).toEqual([]);
    },
  );

  it('passes a well-formed body to its handler', async () => {
    const res = await inject('POST', '/echo', '{"name":"\\ud83d\\ude00 王小明"}');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: '😀 王小明' });
  });
});

describe('holdsEncodedNul', () => {
  it('finds %00 or a NUL in a request target, and nothing else', () => {
    expect(holdsEncodedNul('/api/v1/cases/abc%00')).toBe(true);
    expect(holdsEncodedNul('/api/v1/stats?department=%00')).toBe(true);
    expect(holdsEncodedNul('/api/v1/stats?department=a\0')).toBe(true);
    expect(holdsEncodedNul('/api/v1/stats?department=%2500&x=%0A%01')).toBe(false);
  });
});
