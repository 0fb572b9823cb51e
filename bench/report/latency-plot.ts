import type { TopLevelSpec } from 'vega-lite';

export interface LatencyPoint {
  target: string;
  batch: number;
  history: number;
  p50Ms: number;
  p95Ms: number;
}

/** GetSuggestions median latency against history size, one line per target and batch size (dashed by batch). */
export function latencyPlotSpec(points: readonly LatencyPoint[], problem: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'GetSuggestions latency against history size', subtitle: `median of repeated calls; ${problem} search space` },
    width: 520,
    height: 320,
    data: { values: points.map((point) => ({ ...point, batch: `batch ${point.batch}` })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'history', type: 'quantitative', scale: { type: 'log' }, title: 'completed trials in the request' },
      y: { field: 'p50Ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency p50 (ms, log scale)' },
      color: { field: 'target', type: 'nominal', title: 'algorithm', scale: { scheme: 'tableau10' }, legend: { labelLimit: 320 } },
      strokeDash: { field: 'batch', type: 'nominal', title: 'assignments per call' },
    },
  };
}
