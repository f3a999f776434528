'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { KAFKA_VERSION } = require('./kafka');
const { EMBEDDED_PG_VERSION } = require('./postgres');

// deploy/docker-compose.yml promises the versions the project starts by itself.
describe('deploy/docker-compose.yml', () => {
  const compose = fs.readFileSync(path.join(__dirname, '..', 'docker-compose.yml'), 'utf8');
  const image = (name) => compose.match(new RegExp(`image: ${name}:(\\S+)`))?.[1];

  it('runs the Kafka version the project fetches and starts', () => {
    expect(image('apache/kafka')).toBe(KAFKA_VERSION);
    expect(compose).toContain(`the same Kafka (${KAFKA_VERSION},`);
  });

  it("runs the PostgreSQL major version of the project's embedded server", () => {
    expect(image('postgres')).toBe(EMBEDDED_PG_VERSION.split('.')[0]);
  });
});
