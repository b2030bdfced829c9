/**
 * The analyser on every corpus application: `--compat` gives, per callee, the static codes published for
 * the original (corpus.md §1: 500 plus the codes of the service's raises), written here as the oracle;
 * the analyser itself has no table of them. Services no one calls (the entry services) are not compared:
 * the original analyser's codes for them never matter. Apps are analysed as they run: with their config's
 * environment assumed (`assumeEnv`), so a bug switch off is off. cinema-10 and cinema-14 keep a
 * hand-written catalogue (their READMEs say why); for them the test shows the honest difference.
 */
import { analyzeConfig } from '../orchestrator/cli/analyze-config.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, compatCatalogue } from '../analysis/index.js';
import { ROOT } from './helpers.js';

type Codes = Record<string, string[]>;

function derived(app: string, env?: Record<string, string>): Codes {
  const catalogue = compatCatalogue(analyzeConfig(join(ROOT, 'corpus', app, 'services.json'), { assumeEnv: true, env })) as { http: { errors: { service_name: string; types: { return_value: { status_code: string } }[] }[] } };
  return Object.fromEntries(catalogue.http.errors.map((e) => [e.service_name, e.types.map((t) => t.return_value.status_code)]));
}

const CINEMA_LEAVES = { bookings: ['500', '404'], movies: ['500', '404'], showtimes: ['500', '404'] };
const CINEMA_CHAIN = { bookings: ['500', '404', '503'], movies: ['500', '404'], showtimes: ['500', '404'] };

const PUBLISHED: Record<string, Codes> = {
  'cinema-1': CINEMA_LEAVES,
  'cinema-2': CINEMA_CHAIN,
  'cinema-3': CINEMA_CHAIN,
  'cinema-4': CINEMA_CHAIN,
  'cinema-5': CINEMA_LEAVES,
  'cinema-6': { 'bookings-primary': ['500', '404'], 'bookings-secondary': ['500', '404'], movies: ['500', '404'] },
  'cinema-7': { 'bookings-primary': ['500', '404'], 'bookings-secondary': ['500', '404'], movies: ['500', '404'] },
  'cinema-8': { monolith: ['500', '404'] },
  'cinema-9': CINEMA_LEAVES,
  'cinema-11': CINEMA_LEAVES,
  'cinema-12': CINEMA_LEAVES,
  'cinema-13': CINEMA_LEAVES,
  audible: {
    'content-delivery-engine': ['500', '404'],
    'content-delivery-service': ['500', '403', '404', '503'],
    'audible-download-service': ['500', '403', '404', '503'],
    ownership: ['500', '403', '404'],
    activation: ['500', '404'],
    stats: ['500'],
    'asset-metadata': ['500', '403', '404'],
    'audio-assets': ['500', '403', '404'],
  },
  expedia: { 'review-ml': ['500', '404'], 'review-time': ['500', '404'] },
  mailchimp: { 'app-server': ['500'], requestmapper: ['500'], 'db-primary': ['500', '403'], 'db-secondary': ['500', '403'] },
  netflix: {
    'api-gateway': ['500', '404', '503'],
    'user-profile': ['500', '404'],
    bookmarks: ['500', '404'],
    'my-list': ['500', '404'],
    'user-recommendations': ['500', '404'],
    ratings: ['500', '404'],
    telemetry: ['500'],
    trending: ['500'],
    'global-recommendations': ['500'],
  },
  'node-fanout': { aggregator: ['500', '503'], catalog: ['500'], pricing: ['500'], inventory: ['500'] },
  'node-resilient': { orders: ['500', '503'], payments: ['500'], shipping: ['500'] },
};

const sorted = (codes: string[] | undefined) => [...(codes ?? [])].sort();

for (const [app, expected] of Object.entries(PUBLISHED)) {
  test(`${app}: --compat gives every callee its published static codes, 500 first`, () => {
    const codes = derived(app);
    for (const [service, want] of Object.entries(expected)) {
      assert.deepEqual(sorted(codes[service]), sorted(want), `${app} ${service}`);
      assert.equal(codes[service][0], '500', `${app} ${service}: 500 first`);
    }
  });
}

test('cinema-4: the uninstrumented outside-host stubs get no entry', () => {
  assert.deepEqual(Object.keys(derived('cinema-4')).sort(), ['bookings', 'movies', 'showtimes', 'users']);
});

test('the apps that keep a hand-written catalogue: honest analysis sees the 429 the original never had', () => {
  assert.ok(derived('cinema-10').bookings.includes('429'));
  assert.ok(derived('cinema-14').movies.includes('429'));
});

test('the assumed environment decides a conditional on process.env: mailchimp app-server 500 as shipped, 503 with its bug switch, both when the environment is unknown', () => {
  assert.deepEqual(sorted(derived('mailchimp')['app-server']), ['500']);
  assert.deepEqual(sorted(derived('mailchimp', { REQUESTMAPPER_503: '1' })['app-server']), ['500', '503']);
  const unknown = compatCatalogue(analyzeConfig(join(ROOT, 'corpus/mailchimp/services.json'))) as { http: { errors: { service_name: string; types: { return_value: { status_code: string } }[] }[] } };
  const appServer = unknown.http.errors.find((e) => e.service_name === 'app-server')!;
  assert.deepEqual(sorted(appServer.types.map((t) => t.return_value.status_code)), ['500', '503']);
  // An if statement is not evaluated: the code behind it is there, so db's 403 (DB_READ_ONLY) counts.
  assert.ok(derived('mailchimp')['db-primary'].includes('403'));
});

test('the tutorial: foo → bar\'s connection refused is the one finding; bar, baz and the handled timeout and 5xx are not flagged', () => {
  const result = analyzeConfig(join(ROOT, 'corpus/foo-bar-baz/services.json'));
  const findings = result.services.flatMap((s) => s.findings);
  assert.equal(findings.length, 1, JSON.stringify(findings));
  assert.equal(findings[0].service, 'foo');
  assert.equal(findings[0].failure, 'ECONNREFUSED');
  assert.match(findings[0].message, /ECONNREFUSED/);
  const fooCall = result.services.find((s) => s.name === 'foo')!.callSites[0];
  assert.equal(fooCall.failures.Timeout.handled, 'yes');
  assert.deepEqual(fooCall.failures.Timeout.answers, [503]);
});
