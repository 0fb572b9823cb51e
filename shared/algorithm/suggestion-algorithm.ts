import type { TrialHistory } from '../history/trial-history.js';
import type { Objective } from '../history/objective.js';
import type { Rng } from '../random/rng.js';
import type { ParsedSettings, RawSetting, SettingsSchema } from '../settings/settings-schema.js';
import type { Point, SearchSpace } from '../space/search-space.js';
import type { ParameterSpec } from '../wire/messages.js';
import type { UsedPoints } from './used-points.js';

/** The facts of an Experiment that algorithms may consult besides its space and settings. */
export interface ExperimentFacts {
  name: string;
  objective: Objective;
  /** 0 when the Experiment sets no limit. */
  maxTrialCount: number;
}

/** Everything an algorithm needs for one GetSuggestions call, rebuilt from the request every time. */
export interface SuggestContext<Settings> {
  space: SearchSpace;
  history: TrialHistory;
  /**
   * How many points to return, never more than the space has unused: at most this many (the pipeline tops a
   * short answer up with random unused points).
   */
  count: number;
  /**
   * How many assignments the experiment was handed before this call: total_request_number minus
   * current_request_number. Katib leaves MetricsUnavailable trials, and early-stopped trials without an
   * observation, out of the request but counts them here, so this is at least the number of trials in the
   * request. Anything that walks a sequence (the grid's order, an initial design) walks it by this count, never
   * by the trials the request shows, or it would hand out an omitted trial's point again and again. A request can
   * also lag behind the trials Katib has created, lacking the latest ones: a sequence must not depend on which
   * trials the request shows to give the i-th assignment its point.
   */
  handedOut: number;
  /** Seeded from the request: the only source of randomness an algorithm may use. */
  rng: Rng;
  settings: Settings;
  experiment: ExperimentFacts;
  /**
   * Points of every trial in the request. An algorithm adds the points it picks as it goes; the shared pipeline
   * still replaces any repeat it returns by a random unused point, so distinctness never depends on the algorithm.
   */
  used: UsedPoints;
}

/**
 * What `suggest` may return instead of bare points: the points, and algorithm settings for the reply. Katib's
 * controller stores a reply's settings in the Suggestion's status and merges them into the settings of every
 * later request (pkg/controller.v1beta1/suggestion/suggestionclient), so an algorithm can record there what a
 * later request cannot show: the assignments of trials Katib leaves out of requests, for one.
 */
export interface Proposal {
  points: Point[];
  algorithmSettings: RawSetting[];
}

/** The parameter specs an algorithm runs on, when they differ from the Experiment's, and why. */
export interface AdaptedParameters {
  parameters: ParameterSpec[];
  /** What runs differently from the spec as written, for the call's log line. */
  warnings: string[];
}

/**
 * A suggestion algorithm, served under one Katib algorithm name. It knows nothing of gRPC: it gets a parsed
 * space, history and settings and returns points in the space's encoding.
 */
export interface SuggestionAlgorithm<Schema extends SettingsSchema, Output extends Point[] | Proposal = Point[]> {
  /** The `algorithmName` users write in Experiments and in katib-config. */
  readonly name: string;
  readonly settings: Schema;
  /** The setting that fixes the random stream, when the user gave one (`random_state` / `seed`). */
  randomState(settings: ParsedSettings<Schema>): number | undefined;
  /**
   * The parameter specs the space is built from, when the algorithm sets a parameter's values itself (hyperband's
   * budget); on every call, before the space is parsed. Throws INVALID_ARGUMENT for settings that name no
   * suitable parameter.
   */
  adaptParameters?(parameters: readonly ParameterSpec[], settings: ParsedSettings<Schema>): AdaptedParameters;
  /** Checks beyond the space and the settings' own ranges, on every call; throws INVALID_ARGUMENT. */
  validate?(space: SearchSpace, settings: ParsedSettings<Schema>, experiment: ExperimentFacts): void;
  /**
   * Checks made only by ValidateAlgorithmSettings, before the Experiment starts: limits a user may later lift on
   * a running Experiment (max_trial_count is editable), which must not fail its GetSuggestions calls then.
   */
  validateBeforeStart?(space: SearchSpace, settings: ParsedSettings<Schema>, experiment: ExperimentFacts): void;
  /** What ValidateAlgorithmSettings should warn of beyond the space's repairs: a run that will not go as planned. */
  planWarnings?(space: SearchSpace, settings: ParsedSettings<Schema>, experiment: ExperimentFacts): string[];
  suggest(context: SuggestContext<ParsedSettings<Schema>>): Output;
}

/** An algorithm whose settings type has been erased, for registries holding several algorithms. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySuggestionAlgorithm = SuggestionAlgorithm<any, Point[] | Proposal>;
