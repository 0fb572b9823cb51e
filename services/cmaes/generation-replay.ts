import { rngFromText } from '../../shared/random/seed.js';
import { MemberStreams } from './member-streams.js';
import type { CmaesSettings } from './cmaes-settings.js';
import { CmaRun, type RankedMember } from './cma-run.js';
import { RestartSchedule } from './restart-schedule.js';
import type { Point } from '../../shared/space/search-space.js';
import type { Candidate, SpaceLayout } from './space-layout.js';
import { defaultPopulation } from './strategy-parameters.js';
import type { TrialBook, TrialFacts } from './trial-book.js';

/**
 * Draws per member from the search distribution before its draws become uniform over the space's values, which
 * find a free point in a small finite space that the distribution has concentrated on. The uniform draws have
 * their own limit, after which the member's slot gets a random free point (a nearly used-up space).
 */
const DISTRIBUTION_ATTEMPTS = 8;
export const MEMBER_ATTEMPTS = DISTRIBUTION_ATTEMPTS + 64;
/**
 * Generations in a row that no trial of the request belongs to, all members omitted, after which the replay stops
 * closing generations by omissions alone: total_request_number is the client's word, and a claim of billions of
 * omitted assignments must not make a call replay billions of empty generations.
 */
const MAX_EMPTY_GENERATIONS = 4;

/** A member of the generation being replayed, matched to the trial that holds its assignment. */
interface MatchedMember {
  index: number;
  candidate: Candidate;
  facts: TrialFacts;
}

/**
 * CMA-ES without state: every call replays the experiment's whole search from the request.
 *
 * Member j of generation g of run r (r counts restarts) is drawn from the run's distribution with a generator
 * that depends only on (experiment identity, r, g, j, attempt) (member-streams.ts), so replaying a generation draws exactly the members that
 * were handed out, and each is recognised among the request's trials by its assignment: no labels, no order of
 * trials and no stored state are needed (Katib v0.19.0 does not send the labels of a reply back in requests).
 * A member whose assignment an earlier trial holds (small finite spaces) was redrawn (the next attempt, and after
 * DISTRIBUTION_ATTEMPTS a uniform draw) when it was handed out, and is looked for the same way; the update then
 * uses the point it was given.
 *
 * A generation is closed, and the distribution updated from it, once each of its lambda members has ended:
 * reported, failed, or omitted from requests (Katib's total_request_number counts assignments the request does
 * not show; each omission explains one missing member, in member order). The update then uses the members that
 * reported, ranked by loss; failed and omitted ones take no part, and with fewer than mu reports the weights of
 * as many ranks are used. Until the generation closes, every call hands out further members of the same
 * generation (index lambda and on), so the experiment never waits; those extra members count as evaluations but
 * take no part in the update (nor in the replay once the generation is closed), because the update must not
 * depend on when a call came. A generation waits only for its first lambda members, and those always end in
 * Katib (succeeded, failed, killed, metrics unavailable or early stopped).
 *
 * Replays are consistent from one request to the next because closed generations depend only on facts that do
 * not change: a member's assignment, its final state and loss, and the count of omissions. In a small finite
 * space, where a member's draw can coincide with an earlier trial that is not a member (an extra, or a random
 * fill-in), the member can be matched to that trial instead; the search stays deterministic and distinct, and
 * the update uses that trial's loss.
 */
export class GenerationReplay {
  /** The member streams of the generation last drawn from. */
  private streams: { run: CmaRun; generation: number; members: MemberStreams } | undefined;

  constructor(
    private readonly layout: SpaceLayout,
    private readonly identity: string,
    private readonly settings: CmaesSettings,
  ) {}

  /**
   * The run under way, the index of the next member of its current generation to hand out, and the points of the
   * members that were omitted from requests (a new member must not take one: its trial is not in the request, so
   * nothing else marks it used).
   */
  replay(book: TrialBook): { run: CmaRun; next: number; omitted: Point[] } {
    const omitted: Point[] = [];
    const schedule = new RestartSchedule(
      this.settings.restartStrategy,
      defaultPopulation(this.layout.searchedDimensions),
      this.settings.sigma,
    );
    let run = new CmaRun(this.layout, schedule.first(), 0, this.layout.ordered.map(() => 0.5));
    let emptyGenerations = 0;
    for (;;) {
      const lambda = run.lambda;
      const members: (MatchedMember | undefined)[] = [];
      let last = -1;
      for (let j = 0; j < lambda; j++) {
        members[j] = this.find(run, j, book);
        if (members[j] !== undefined) last = j;
      }
      // Members are handed out in order: one missing before the last one found was omitted from requests.
      for (let j = 0; j < last; j++) {
        if (members[j] === undefined && book.attributeOmissions(1) === 1) omitted.push(this.absentPoint(run, j, book));
      }
      const reported = members.every((member) => member === undefined || member.facts.state !== 'pending');
      emptyGenerations = last === -1 ? emptyGenerations + 1 : 0;
      const allHandedOut = last + 1 + book.omissionsLeft >= lambda && emptyGenerations <= MAX_EMPTY_GENERATIONS;
      if (!(allHandedOut && reported)) return { run, next: this.frontier(run, last, book, omitted), omitted };
      for (let j = last + 1; j < lambda; j++) {
        book.attributeOmissions(1);
        omitted.push(this.absentPoint(run, j, book));
      }
      run.update(ranked(members));
      if (this.settings.restartStrategy !== 'none' && run.terminated) run = this.restart(run, schedule);
    }
  }

  /**
   * The next member of the current generation to hand out: past the last one found, its extra members (index
   * lambda and on) that trials hold, and as many more as omissions remain unexplained (they are this
   * generation's, handed out and left out of requests).
   */
  private frontier(run: CmaRun, lastMember: number, book: TrialBook, omitted: Point[]): number {
    let next = lastMember + 1;
    while (next >= run.lambda && this.find(run, next, book) !== undefined) next++;
    // The members omitted after `next`: their points are looked up only for a few generations' worth, since
    // total_request_number (a client's word) may claim billions.
    const tail = book.attributeOmissions(book.omissionsLeft);
    for (let j = next; j < next + Math.min(tail, 4 * run.lambda); j++) omitted.push(this.absentPoint(run, j, book));
    return next + tail;
  }

  /** The point an omitted member was handed out with: its first draw that no trial in the request holds. */
  private absentPoint(run: CmaRun, index: number, book: TrialBook): Point {
    let point = this.draw(run, index, 0);
    for (let attempt = 1; attempt < MEMBER_ATTEMPTS && book.holds(this.layout.space.key(point)); attempt++) point = this.draw(run, index, attempt);
    return point;
  }

  /** Member `index` of the run's current generation, drawn for the `attempt`-th time (a point of the space). */
  draw(run: CmaRun, index: number, attempt: number): Point {
    if (this.streams === undefined || this.streams.run !== run || this.streams.generation !== run.generation) {
      this.streams = { run, generation: run.generation, members: new MemberStreams(this.identity, run.index, run.generation) };
    }
    const rng = this.streams.members.rng(index, attempt);
    return attempt < DISTRIBUTION_ATTEMPTS ? this.layout.point(run.sample(rng)) : this.layout.space.uniformPoint(rng);
  }

  /** The trial holding member `index`'s assignment, when one does. */
  private find(run: CmaRun, index: number, book: TrialBook): MatchedMember | undefined {
    for (let attempt = 0; attempt < MEMBER_ATTEMPTS; attempt++) {
      const point = this.draw(run, index, attempt);
      const facts = book.claim(this.layout.space.key(point));
      if (facts === 'absent') return undefined;
      if (facts !== 'taken') return { index, candidate: this.layout.candidateOf(point), facts };
    }
    return undefined;
  }

  private restart(finished: CmaRun, schedule: RestartSchedule): CmaRun {
    const rng = rngFromText(['cmaes restart', this.identity, finished.index + 1].join('\u0000'));
    const plan = schedule.next(finished.plan, finished.generation * finished.lambda, rng);
    const mean = this.layout.ordered.map(() => rng.uniform());
    return new CmaRun(this.layout, plan, finished.index + 1, mean);
  }
}

/** The members that reported a loss, best first (ties by member index). */
function ranked(members: readonly (MatchedMember | undefined)[]): RankedMember[] {
  return members
    .flatMap((member) => (member !== undefined && member.facts.state === 'completed' ? [{ member, loss: member.facts.loss }] : []))
    .sort((a, b) => a.loss - b.loss || a.member.index - b.member.index)
    .map(({ member, loss }) => ({ candidate: member.candidate, loss }));
}
