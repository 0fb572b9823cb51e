/**
 * An acquisition function written as a utility of the posterior at a point: its mean and standard deviation
 * (of the standardised loss, which is minimised). Larger is better. The slopes let a gradient-based optimiser
 * chain through the model's posterior gradient.
 */
export interface PosteriorUtility {
  readonly name: UtilityName;
  value(mean: number, sd: number): number;
  /** The value, writing d value / d mean and d value / d sd into `slopes`. */
  valueAndSlopes(mean: number, sd: number, slopes: UtilitySlopes): number;
}

export type UtilityName = 'EI' | 'PI' | 'LCB';

export interface UtilitySlopes {
  mean: number;
  sd: number;
}
