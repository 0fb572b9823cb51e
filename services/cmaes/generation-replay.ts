import { rngFromText } from '../../shared/random/seed.js';
import { PositionStreams } from './position-streams.js';
import type { CmaesSettings } from './cmaes-settings.js';
import { CmaRun, type GenerationSampler, type RankedMember } from './cma-run.js';
import { RestartSchedule } from './restart-schedule.js';
import type { Point } from '../../shared/space/search-space.js';
import type { Candidate, SpaceLayout } from './space-layout.js';
import { defaultPopulation } from './strategy-parameters.js';
import type { TrialBook, TrialFacts } from './trial-book.js';

/**
 * Draws per assignment from the search distribution before its draws become uniform over the space's values,
 * which find a free point in a small finite space that the distribution has concentrated on. The uniform draws
 * have their own limit, after which the assignment gets a random free point (a nearly used-up space).
 */
const DISTRIBUTION_ATTEMPTS = 8;
export const DRAW_ATTEMPTS = DISTRIBUTION_ATTEMPTS + 64;
/**
 * Positions in a row that no trial of the request holds after which the replay stops walking: a request may
 * claim billions of assignments handed out (total_request_number is the client's word), and a trial drawn from
 * another generation (see the class comment) is never matched, so "until every trial is matched" alone does not
 * bound the walk. No Experiment has this many trials in a row missing from its requests.
 */
const MAX_ABSENT_RUN = 10_000;
/**
 * The most recent positions past the walk whose points are still worked out, to keep new draws off them: a
 * request can lag behind the trials Katib has created, and those lagging trials are the latest ones.
 */
const RECENT_POSITIONS = 64;

/** The trial found at one position of the experiment, matched to the candidate drawn there. */
interface Found {
  candidate: Candidate;
  facts: TrialFacts;
}

/**
 * The positions of the generation being walked: its first lambda positions are its members, the update's
 * sample; later ones are extras, handed out while it waited for its members.
 */
class GenerationPositions {
  readonly members: (Found | undefined)[] = [];
  private lastAbsentMember = -1;
  private lastFound = -1;

  constructor(private readonly lambda: number) {}

  record(position: number, found: Found | undefined): void {
    if (found !== undefined) this.lastFound = position;
    if (this.members.length >= this.lambda) return;
    this.members.push(found);
    if (found === undefined) this.lastAbsentMember = position;
  }

  /**
   * Whether the generation has ended: each member reported, failed, or is missing from the request with a trial
   * of this generation found after it. A member missing at the end of what the request shows may be a trial
   * Katib has created but not yet listed, so it holds the generation open until a later trial shows up.
   */
  get ended(): boolean {
    return (
      this.members.length === this.lambda &&
      this.members.every((member) => member === undefined || member.facts.state !== 'pending') &&
      this.lastAbsentMember < this.lastFound
    );
  }

  /** The members that reported a loss, best first (ties by position). */
  ranked(): RankedMember[] {
    return this.members
      .flatMap((member, index) => (member !== undefined && member.facts.state === 'completed' ? [{ member, index, loss: member.facts.loss }] : []))
      .sort((a, b) => a.loss - b.loss || a.index - b.index)
      .map(({ member, loss }) => ({ candidate: member.candidate, loss }));
  }
}

/**
 * CMA-ES without state: every call replays the experiment's whole search from the request.
 *
 * The assignment at position p of the experiment (the p-th handed out, p = total_request_number -
 * current_request_number for a call's first) was drawn from the generation under way with a generator that
 * depends only on (experiment identity, run, generation, p, attempt) (position-streams.ts). Two positions never
 * share a generator, so no two calls can hand out the same draw, whatever each request showed: Katib's requests
 * can lag behind the trials it has created, and leave out MetricsUnavailable trials and early-stopped ones
 * without an observation, so a request never tells exactly which positions were handed out from which
 * generation.
 *
 * The replay walks the positions in order and looks for each one's draw among the request's trials (no labels,
 * no order of trials and no stored state are needed; Katib v0.19.0 does not send a reply's labels back). A
 * generation's first lambda positions are its members. It ends once each member has reported, failed, or is
 * missing with a trial of the generation found after it; its update then uses the members that reported, ranked
 * by loss, and the next position starts the next generation. Until then, positions are extras of the generation:
 * real samples of its distribution whose results count for the best trial but not in the update, which must not
 * depend on when a call came. A member that never ends (a trial stuck in Running) holds back the learning, not
 * the experiment; Katib ends every trial.
 *
 * A request that saw a member missing while a later one shows it (a lagging request) can have ended a generation
 * that a later request finds still running; positions drawn from the next generation in between then match no
 * trial and take no part in the update. Replies stay distinct and deterministic; only that learning is lost. The
 * other way round, a position found among the previous generation's draws after the current one began is the
 * previous one's late extra and takes no member's place. In a small finite space, a draw can coincide with an
 * earlier trial it was not handed out as (an assignment that was redrawn, or a random fill-in) and be matched to
 * it; the search stays deterministic and distinct, and the update takes that trial's loss.
 */
export class GenerationReplay {
  /** The streams of each generation drawn from, by run and generation. */
  private readonly streams = new Map<string, PositionStreams>();

  constructor(
    private readonly layout: SpaceLayout,
    private readonly identity: string,
    private readonly settings: CmaesSettings,
  ) {}

  /**
   * The run under way after `handedOut` positions, and the points of positions that no trial of the request
   * shows, most recent first (a new draw must not take one: nothing else marks it used).
   */
  replay(book: TrialBook, handedOut: number): { run: CmaRun; unseen: Point[] } {
    const unseen: Point[] = [];
    // Their keys: a call marked them used, so a later draw that met one went on to its next attempt.
    const unseenKeys = new Set<string>();
    const keepOff = (point: Point): void => {
      unseen.push(point);
      unseenKeys.add(this.layout.space.key(point));
    };
    const schedule = new RestartSchedule(this.settings.restartStrategy, defaultPopulation(this.layout.searchedDimensions), this.settings.sigma);
    let run = new CmaRun(this.layout, schedule.first(), 0, this.layout.ordered.map(() => 0.5));
    let generation = new GenerationPositions(run.lambda);
    // The generation before the current one: a request that saw it still running handed out its extras, which
    // can come after positions the current one took.
    let previous: GenerationSampler | undefined;
    let position = 0;
    for (let absentRun = 0; position < handedOut && !book.allClaimed && absentRun < MAX_ABSENT_RUN; position++) {
      let drawn = this.probe(run, position, book, unseenKeys);
      if (drawn.found === undefined && generation.ended) {
        previous = run.snapshot();
        keepOff(drawn.absent);
        run = this.next(run, generation, schedule);
        generation = new GenerationPositions(run.lambda);
        drawn = this.probe(run, position, book, unseenKeys);
      } else if (drawn.found === undefined && previous !== undefined) {
        const late = this.probe(previous, position, book, unseenKeys);
        if (late.found !== undefined) {
          absentRun = 0;
          continue;
        }
        keepOff(late.absent);
      }
      generation.record(position, drawn.found);
      if (drawn.found === undefined) keepOff(drawn.absent);
      absentRun = drawn.found === undefined ? absentRun + 1 : 0;
    }
    // Positions the walk did not reach hold no trial of the request, so they end nothing: the next position
    // starts a new generation exactly when the walked ones ended theirs.
    if (generation.ended) {
      previous = run.snapshot();
      run = this.next(run, generation, schedule);
    }
    // Where a position no trial shows was drawn from depends on the request that handed it out: both are kept off.
    for (let q = Math.max(position, handedOut - RECENT_POSITIONS); q < handedOut; q++) {
      for (const sampler of previous === undefined ? [run] : [previous, run]) {
        const { absent } = this.probe(sampler, q, book, unseenKeys);
        if (absent !== undefined) keepOff(absent);
      }
    }
    return { run, unseen: unseen.reverse() };
  }

  /** Position `position`'s assignment drawn for the `attempt`-th time from a generation. */
  draw(generation: GenerationSampler, position: number, attempt: number): Point {
    const key = `${generation.index}/${generation.generation}`;
    let streams = this.streams.get(key);
    if (streams === undefined) {
      streams = new PositionStreams(this.identity, generation.index, generation.generation);
      this.streams.set(key, streams);
    }
    const rng = streams.rng(position, attempt);
    return attempt < DISTRIBUTION_ATTEMPTS ? this.layout.point(generation.sample(rng)) : this.layout.space.uniformPoint(rng);
  }

  /**
   * The trial holding the assignment drawn at `position` from `generation`, claimed; or, when none does, the
   * point that position was handed out with, as far as the request tells: its first draw that no trial holds. A
   * draw that met one of the `unseen` points was skipped when handed out (the call kept those off), so the search
   * for the trial goes on past it.
   */
  private probe(generation: GenerationSampler, position: number, book: TrialBook, unseen: ReadonlySet<string>): { found: Found; absent?: undefined } | { found?: undefined; absent: Point } {
    let absent: Point | undefined;
    let point: Point = [];
    for (let attempt = 0; attempt < DRAW_ATTEMPTS; attempt++) {
      point = this.draw(generation, position, attempt);
      const key = this.layout.space.key(point);
      const facts = book.claim(key);
      if (facts === 'absent') {
        absent ??= point;
        if (!unseen.has(key)) break;
      } else if (facts !== 'taken') {
        return { found: { candidate: this.layout.candidateOf(point), facts } };
      }
    }
    return { absent: absent ?? point };
  }

  /** The run after `generation` ends: its update, and a restart when the strategy calls for one. */
  private next(run: CmaRun, generation: GenerationPositions, schedule: RestartSchedule): CmaRun {
    run.update(generation.ranked());
    return this.settings.restartStrategy !== 'none' && run.terminated ? this.restart(run, schedule) : run;
  }

  private restart(finished: CmaRun, schedule: RestartSchedule): CmaRun {
    const rng = rngFromText(['cmaes restart', this.identity, finished.index + 1].join('\u0000'));
    const plan = schedule.next(finished.plan, finished.generation * finished.lambda, rng);
    const mean = this.layout.ordered.map(() => rng.uniform());
    return new CmaRun(this.layout, plan, finished.index + 1, mean);
  }
}
