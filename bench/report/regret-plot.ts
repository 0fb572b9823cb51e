import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from './aggregate.js';
import { LINE_COLOUR_SCALE } from './palette.js';

/** Regrets this small (or zero) are drawn at this floor, so that a log scale can show them. */
export const REGRET_FLOOR = 1e-8;

/**
 * Regret against trial number for one problem: one median line per algorithm, its quartiles as a band. Our
 * services (and other Katib endpoints) are solid lines, Katib's stock services dotted and the Python peers dashed,
 * so the groups stand apart.
 */
export function regretPlotSpec(summary: Summary, problem: string, seeds: number): TopLevelSpec {
  const origins = new Map(summary.byTarget.map((row) => [row.target, row.kind === 'peer' || row.kind === 'stock' ? row.kind : 'katib']));
  const rows = summary.cells
    .filter((cell) => cell.problem === problem)
    .flatMap((cell) =>
      cell.band.flatMap((band, index) =>
        // Before a target's first success in some seeds, the quartiles are infinite: nothing to draw yet.
        [band.q1, band.median, band.q3].every(Number.isFinite)
          ? [{ algorithm: cell.target, origin: origins.get(cell.target) ?? 'katib', trial: index + 1, median: floor(band.median), q1: floor(band.q1), q3: floor(band.q3) }]
          : [],
      ),
    );
  const x = { field: 'trial', type: 'quantitative', title: 'trials finished' } as const;
  const color = { field: 'algorithm', type: 'nominal', title: 'algorithm', scale: LINE_COLOUR_SCALE } as const;
  // Told in the subtitle: a legend of dash patterns renders without strokes in this renderer.
  const strokeDash = { field: 'origin', type: 'nominal', scale: { domain: ['katib', 'peer', 'stock'], range: [[1, 0], [7, 4], [2, 3]] }, legend: null } as const;
  const kinds = new Set(origins.values());
  const styles =
    kinds.has('peer') || kinds.has('stock')
      ? `; solid: our services${kinds.has('stock') ? ", dotted: Katib's stock services" : ''}${kinds.has('peer') ? ', dashed: Python peers' : ''}`
      : '';
  // Both layers share one legend; drawn as strokes, since the bands' pale fill would make faint swatches.
  const lineLegend = { symbolType: 'stroke', symbolOpacity: 1, symbolStrokeWidth: 3, labelLimit: 320 } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${problem}: regret of the best value found`, subtitle: `median and quartiles over ${seeds} seed${seeds === 1 ? '' : 's'}, ${summary.schedule} schedule, ${summary.parallel} trials in parallel${styles}` },
    width: 520,
    height: 320,
    data: { values: rows },
    layer: [
      {
        mark: { type: 'area', opacity: 0.15 },
        encoding: {
          x,
          y: { field: 'q1', type: 'quantitative', scale: { type: 'log' }, title: 'regret (log scale)' },
          y2: { field: 'q3' },
          color: { ...color, legend: lineLegend },
        },
      },
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y: { field: 'median', type: 'quantitative', scale: { type: 'log' } }, color: { ...color, legend: lineLegend }, strokeDash },
      },
    ],
  };
}

function floor(regret: number): number {
  return Math.max(regret, REGRET_FLOOR);
}
