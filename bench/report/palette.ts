/**
 * Line colours for the plots: ten hues dark enough to read as thin lines on white (each has a contrast ratio of
 * at least 4.5:1 against white, checked by test/bench/report.test.ts), instead of tableau10, whose yellow, grey,
 * pink and light teal all but vanish. Ordered so that neighbours in a legend differ most.
 */
export const LINE_COLOURS = ['#1f4e9c', '#c0392b', '#1e7d32', '#7d3c98', '#b34700', '#00707a', '#8a6d00', '#a3195b', '#4d4d4d', '#5b4636'] as const;

/** The colour scale of a nominal field: LINE_COLOURS in order. */
export const LINE_COLOUR_SCALE = { range: [...LINE_COLOURS] };
