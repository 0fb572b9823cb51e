import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CATALOGUE } from '../../services/catalogue.js';
import { settingNames } from '../../shared/settings/settings-schema.js';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { makeImageTable } from './support/image-contents.js';
import { DEPLOY_DIR, KATIB_CONFIG_FILE, readDocuments, readKustomization, type Doc } from './support/manifests.js';

// services/catalogue.ts is the one list of our services and algorithms; everything written elsewhere by hand
// (the Makefile, package.json, deploy/, the README) must agree with it. A new algorithm that misses one of
// them fails here with the place to add it (README.md, "Adding an algorithm").

const table = makeImageTable();
const katibConfig = readDocuments(KATIB_CONFIG_FILE)[0]!;
const examples = (readKustomization(join(DEPLOY_DIR, 'examples')).resources as string[]).flatMap((path) =>
  readDocuments(join(DEPLOY_DIR, 'examples', path)),
);
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const goConformanceSettings = readFileSync(join(REPO_ROOT, 'test', 'katib', 'conformance', 'suggestion_test.go'), 'utf8');
const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('services/catalogue.ts', () => {
  test('lists exactly the service folders with a main.ts, each once, each algorithm name once', () => {
    const folders = readdirSync(join(REPO_ROOT, 'services')).filter((name) => existsSync(join(REPO_ROOT, 'services', name, 'main.ts')));
    assert.deepEqual(CATALOGUE.map((entry) => entry.service).sort(), folders.sort());
    const names = CATALOGUE.flatMap((entry) => entry.algorithms.map((algorithm) => `${entry.kind} ${algorithm.name}`));
    assert.equal(new Set(names).size, names.length, `an algorithm name twice: ${names.join(', ')}`);
  });

  for (const entry of CATALOGUE) {
    const earlyStopping = entry.kind === 'early-stopping';
    describe(entry.service, () => {
      test(`the Makefile builds its image under Katib's ${earlyStopping ? 'earlystopping' : 'suggestion'}-<name> and port ${entry.port}`, () => {
        const facts = table.get(entry.service);
        assert.ok(facts, `make list-images has no ${entry.service}; early-stopping services are named in the Makefile's EARLY_STOPPING`);
        assert.match(facts.image, new RegExp(`/${earlyStopping ? 'earlystopping' : 'suggestion'}-${entry.service}:`));
        assert.equal(facts.port, entry.port);
      });

      if (!earlyStopping) {
        test('has a worker entry beside its process entry', () => {
          assert.ok(existsSync(join(REPO_ROOT, 'services', entry.service, 'worker.ts')), `services/${entry.service}/worker.ts is missing`);
        });
      }

      test('package.json has its start script', () => {
        assert.equal(scripts[`start:${entry.service}`], `node dist/services/${entry.service}/main.js`);
      });

      test('the README lists it with its algorithms, port and every setting', () => {
        const row = readme.split('\n').find((line) => line.startsWith(`| \`${entry.service}\` |`));
        assert.ok(row, `README.md's services table has no row for ${entry.service}`);
        const [, algorithms, port, settings] = row.split(' | ');
        for (const algorithm of entry.algorithms) {
          assert.ok(algorithms!.includes(`\`${algorithm.name}\``), `README row of ${entry.service} does not name ${algorithm.name}`);
          for (const name of settingNames(algorithm.settings)) assert.ok(settings!.includes(`\`${name}\``), `README row of ${entry.service} lacks setting ${name}`);
        }
        assert.equal(port, String(entry.port));
      });

      for (const algorithm of entry.algorithms) {
        test(`${algorithm.name}: registered in katib-config and shown in an example Experiment`, () => {
          const registered: Doc[] = (earlyStopping ? katibConfig.runtime.earlyStoppings : katibConfig.runtime.suggestions) ?? [];
          const found = registered.find((candidate) => candidate.algorithmName === algorithm.name);
          assert.ok(found, `deploy/katib-config/katib-config.yaml has no ${earlyStopping ? 'earlyStoppings' : 'suggestions'} entry for ${algorithm.name}`);
          assert.equal(found.image, table.get(entry.service)?.image);
          const shown = examples.some((example) =>
            earlyStopping ? example.spec.earlyStopping?.algorithmName === algorithm.name : example.spec.algorithm.algorithmName === algorithm.name,
          );
          assert.ok(shown, `deploy/examples has no Experiment using ${algorithm.name}`);
        });

        if (!earlyStopping) {
          test(`${algorithm.name}: Katib's own client drives it in test/katib/conformance with settings it accepts`, () => {
            // The Go suites read the algorithms and their services from this catalogue; the settings are theirs.
            const given = new RegExp(`"${algorithm.name}":\\s*\``).test(goConformanceSettings);
            assert.ok(given, `test/katib/conformance/suggestion_test.go's settingsOf has no settings for "${algorithm.name}"`);
          });
        }
      }
    });
  }
});
