import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { SuggestionClient } from '../support/clients.js';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { discreteParameter, doubleParameter, experiment, suggestionsRequest } from '../support/requests.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';

// deploy/monitoring's dashboard and alerts query only what the services export: every metric a PromQL
// expression names is served by a real service process's /metrics, and every label it groups or filters by is
// one of that metric's labels or one Prometheus adds when it scrapes a pod.

const MONITORING = join(REPO_ROOT, 'deploy', 'monitoring');

/** Labels Prometheus's Kubernetes discovery and the histogram encoding add to every series. */
const SCRAPE_LABELS = new Set(['instance', 'job', 'namespace', 'pod', 'container', 'service', 'endpoint', 'le']);

/** PromQL's functions, aggregations and keywords: the identifiers of an expression that are not metric names. */
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'label_values', 'label_replace',
  'min_over_time', 'max_over_time', 'avg_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'absent',
  'clamp_min', 'clamp_max', 'vector', 'scalar', 'time',
]);

interface Query {
  where: string;
  expr: string;
}

function dashboardQueries(): Query[] {
  const dashboard = JSON.parse(readFileSync(join(MONITORING, 'grafana-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  };
  return [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `dashboard panel "${panel.title}"`, expr: target.expr }))),
    ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [{ where: `dashboard variable ${variable.name}`, expr: variable.definition }] : [])),
  ];
}

function alertQueries(): Query[] {
  const rule = parse(readFileSync(join(MONITORING, 'prometheus-rules.yaml'), 'utf8')) as { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
  return rule.spec.groups.flatMap((group) => group.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })));
}

/** The metric names and label names an expression uses. */
function namesIn(expr: string): { metrics: string[]; labels: string[] } {
  const labels: string[] = [];
  // Grafana's label_values(metric, label): the label is the last argument.
  expr = expr.replace(/\blabel_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)/g, (_match, inner: string, label: string) => {
    labels.push(label);
    return inner;
  });
  // Label matchers {a="x", b=~"y"} and groupings by (a, b) / on (a): collected, then cut out.
  let rest = expr.replace(/\{([^}]*)\}/g, (_match, inside: string) => {
    for (const matcher of inside.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)) labels.push(matcher[1]!);
    return ' ';
  });
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_match, _word, inside: string) => {
    labels.push(...inside.split(',').map((label) => label.trim()).filter((label) => label !== ''));
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ').replace(/"[^"]*"/g, ' ');
  const metrics = [...rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((match) => match[0]).filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word));
  return { metrics, labels };
}

/** Metric name -> its label names, from a Prometheus text exposition (# TYPE lines and samples). */
function exported(text: string): Map<string, Set<string>> {
  const metrics = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const suffixes = type[2] === 'histogram' ? ['_bucket', '_sum', '_count'] : type[2] === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of suffixes) metrics.set(type[1]! + suffix, metrics.get(type[1]! + suffix) ?? new Set());
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(line);
    if (sample) for (const label of sample[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) metrics.get(sample[1]!)?.add(label[1]!);
  }
  return metrics;
}

describe('deploy/monitoring queries what the services export', () => {
  let service: ServiceProcess;
  let metrics: Map<string, Set<string>>;
  before(async () => {
    service = await startServiceProcess('random', { env: { WORKER_THREADS: '1' } });
    // Answered, refused and repeating calls, so that the labelled series (method, code, algorithm) exist in the scrape.
    const client = new SuggestionClient(service.address);
    try {
      const spec = experiment({ algorithm: 'random', parameters: [doubleParameter('x', '0', '1')] });
      await client.getSuggestions(suggestionsRequest(spec, [], 1));
      // A one-point space asked for two: the second assignment is a repeat (katib_service_repeated_assignments_total).
      await client.getSuggestions(suggestionsRequest(experiment({ name: 'used-up', algorithm: 'random', parameters: [discreteParameter('k', ['1'])] }), [], 2));
      await client.validate({ experiment: experiment({ algorithm: 'random', settings: { unknown: '1' }, parameters: [doubleParameter('x', '0', '1')] }) }).catch(() => undefined);
    } finally {
      client.close();
    }
    metrics = exported(await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text());
  });
  after(() => service?.stop());

  const queries = [...dashboardQueries(), ...alertQueries()];

  it('has queries to check: dashboard panels, its variables and the alerts', () => {
    assert.ok(dashboardQueries().length >= 10, 'the dashboard has its panels');
    assert.ok(alertQueries().length >= 4, 'the rules have their alerts');
  });

  for (const query of queries) {
    it(`${query.where}: names only exported metrics and their labels`, () => {
      const { metrics: named, labels } = namesIn(query.expr);
      assert.ok(named.length > 0, `no metric found in ${query.expr}`);
      for (const name of named) assert.ok(metrics.has(name), `${query.where} queries ${name}, which the service does not export:\n${query.expr}`);
      const known = new Set([...SCRAPE_LABELS, ...named.flatMap((name) => [...metrics.get(name)!])]);
      for (const label of labels) assert.ok(known.has(label), `${query.where} uses label ${label}, which ${named.join(', ')} do not have:\n${query.expr}`);
    });
  }

  it('the checker itself tells an unknown metric and label from known ones', () => {
    assert.deepEqual(namesIn('sum by (method, code) (rate(katib_service_calls_total{code=~"OK"}[5m])) / 2'), {
      metrics: ['katib_service_calls_total'],
      labels: ['code', 'method', 'code'],
    });
    assert.equal(metrics.has('katib_service_calls_totl'), false);
  });
});
