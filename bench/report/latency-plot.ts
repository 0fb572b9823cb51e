import type { TopLevelSpec } from 'vega-lite';
import { LINE_COLOUR_SCALE } from './palette.js';

export interface LatencyPoint {
  target: string;
  batch: number;
  history: number;
  p50Ms: number;
  p95Ms: number;
}

/** Line styles by batch size, smallest first: solid, then dashes (repeating after four sizes). */
const DASHES: { pattern: number[]; name: string }[] = [
  { pattern: [1, 0], name: 'solid' },
  { pattern: [6, 4], name: 'dashed' },
  { pattern: [2, 3], name: 'dotted' },
  { pattern: [10, 3, 2, 3], name: 'dash-dotted' },
];

/** GetSuggestions median latency against history size, one line per target and batch size. */
export function latencyPlotSpec(points: readonly LatencyPoint[], problem: string): TopLevelSpec {
  const batches = [...new Set(points.map((point) => point.batch))].sort((a, b) => a - b);
  const dash = (i: number) => DASHES[i % DASHES.length]!;
  // The style of each batch is told in the subtitle: a legend of dash patterns renders without strokes here.
  const styles = batches.map((batch, i) => `${dash(i).name}: ${batch} per call`).join(', ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'GetSuggestions latency against history size', subtitle: `median of repeated calls on the ${problem} search space; ${styles}` },
    width: 520,
    height: 320,
    data: { values: points.map((point) => ({ ...point })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'history', type: 'quantitative', scale: { type: 'log' }, title: 'completed trials in the request' },
      y: { field: 'p50Ms', type: 'quantitative', scale: { type: 'log' }, title: 'latency p50 (ms, log scale)' },
      color: {
        field: 'target',
        type: 'nominal',
        title: 'algorithm',
        scale: LINE_COLOUR_SCALE,
        legend: { symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320 },
      },
      strokeDash: {
        field: 'batch',
        type: 'ordinal',
        scale: { domain: batches, range: batches.map((_, i) => dash(i).pattern) },
        legend: null,
      },
    },
  };
}
