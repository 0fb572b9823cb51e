"""Runs a Python baseline on one benchmark problem for several seeds, the way the TypeScript CLI's simulated Katib
controller runs a service: `parallel` trials running, simulated durations from the shared schedule, a request for
as many new points as there are free slots whenever trials finish (ask), results told as trials finish (tell).
A trial of a learning-curve problem reports one value per epoch, each epoch an equal share of its run time; a peer
with a pruner (optuna-tpe+median-pruner, ...) hears every report and may prune the trial there, freeing its slot.
`--schedule sync` runs each batch's trials as long as the slowest would, so they end together (see
simulated-controller.ts); the caller passes `--parallel 1` for the serial schedule.

Prints one JSON object per experiment on stdout, in the CLI's results shape (bench/report/results-file.ts).
Usage: run_peer.py --peer optuna-tpe --problem branin --seeds 0,1,2 --budget 60 --parallel 3 [--schedule sync]
       run_peer.py --peer optuna-random+median-pruner --problem curves-crossing --seeds 0,1,2 --budget 60 --parallel 3
       run_peer.py --versions   (the libraries' versions as JSON)
"""

import argparse
import json
import math
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "problems"))

import problems  # noqa: E402
from peer_samplers import PEER_NAMES, library_versions, make_peer, peer_choices, split_peer_name  # noqa: E402


def assignment_key(problem, assignments):
    """Numbers compared by value, categorical values verbatim (as assignment-key.ts)."""
    key = []
    for parameter in problem["parameters"]:
        text = assignments.get(parameter["name"])
        if text is None or parameter["parameterType"] == "categorical":
            key.append(text)
            continue
        try:
            key.append(float(text))
        except ValueError:
            key.append(text)
    return json.dumps(key)


def peak_rss_kib():
    try:
        with open("/proc/self/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_experiment(peer_name, problem, catalog, seed, budget, parallel, schedule):
    suggestion, pruner_name = split_peer_name(peer_name)
    learning_curve = problems.learning_curve_for(problem)
    epochs = problem.get("epochs", 1)
    direction = problem["objective"]["type"]
    peer = make_peer(suggestion, problem, seed, pruner_name)
    trials = []
    finished = []
    calls = []
    seen = set()
    state = {"total": 0, "clock": 0, "tell_seconds": 0.0}

    def request():
        running = sum(1 for trial in trials if trial["phase"] == "RUNNING")
        wanted = min(parallel - running, budget - state["total"])
        if wanted <= 0:
            return
        state["total"] += wanted
        started = time.perf_counter()
        proposals = peer.ask(wanted)
        calls.append(
            {
                "historySize": len(trials),
                "completed": sum(1 for trial in trials if trial["phase"] in ("SUCCEEDED", "EARLYSTOPPED")),
                "running": running,
                "requested": wanted,
                "totalRequested": state["total"],
                # The tells of the trials finished since the last request count as suggestion time too
                # (scikit-optimize fits its model in tell).
                "milliseconds": (state["tell_seconds"] + time.perf_counter() - started) * 1000,
            }
        )
        state["tell_seconds"] = 0.0
        if len(proposals) != wanted:
            raise RuntimeError(f"ask returned {len(proposals)} points for a request of {wanted}")
        first = len(trials) + 1
        durations = [
            problems.trial_duration_seconds(catalog["trialDuration"], problem["name"], seed, first + index) for index in range(wanted)
        ]
        for index, (handle, assignments) in enumerate(proposals):
            number = first + index
            key = assignment_key(problem, assignments)
            # Sync: the whole batch runs as long as its slowest trial would, so that it ends together.
            duration = max(durations) if schedule == "sync" else durations[index]
            trial = {
                "number": number,
                "handle": handle,
                "assignments": assignments,
                "phase": "RUNNING",
                "start": state["clock"],
                "epoch_seconds": duration / epochs,
                "end": state["clock"] + duration,
                "duplicate": key in seen,
                "reported": [],
                "curve": None,
                "error": None,
            }
            try:
                trial["curve"] = learning_curve(problems.parse_assignment_values(problem, assignments))
            except problems.InvalidAssignment as error:
                trial["error"] = str(error)
            trials.append(trial)
            seen.add(key)

    def next_event(trial):
        """When the trial next reports (or, one that cannot be evaluated, fails)."""
        if trial["curve"] is None:
            return trial["end"]
        return trial["start"] + (len(trial["reported"]) + 1) * trial["epoch_seconds"]

    def tell(trial, value, pruned=False):
        started = time.perf_counter()
        peer.tell(trial["handle"], value, pruned)
        state["tell_seconds"] += time.perf_counter() - started

    def finish(trial, pruned=False):
        trial["phase"] = "FAILED" if trial["error"] is not None else "EARLYSTOPPED" if pruned else "SUCCEEDED"
        reported = trial["reported"]
        record = {
            "number": trial["number"],
            "assignments": trial["assignments"],
            "value": None,
            "epochs": len(reported),
            "startSeconds": trial["start"],
            "completionSeconds": state["clock"],
            "duplicate": trial["duplicate"],
        }
        if trial["error"] is not None:
            record["error"] = trial["error"]
            tell(trial, None)
        else:
            # The library is told what Katib would record: the best value reported (inf when training diverged).
            observation = problems.katib_observation(direction, reported)
            if math.isfinite(observation):
                record["value"] = observation
            if any(not math.isfinite(value) for value in reported):
                record["diverged"] = True
            if pruned:
                record["earlyStopped"] = True
            tell(trial, observation, pruned)
        finished.append(record)

    def report(trial):
        """The trial's next epoch: reported to the study; it ends when pruned or at its last epoch."""
        value = trial["curve"][len(trial["reported"])]
        trial["reported"].append(value)
        if peer.report(trial["handle"], value, len(trial["reported"])):
            finish(trial, pruned=True)
        elif len(trial["reported"]) == len(trial["curve"]):
            finish(trial)

    outcome = {}
    try:
        request()
        while True:
            running = [trial for trial in trials if trial["phase"] == "RUNNING"]
            if not running:
                break
            state["clock"] = min(next_event(trial) for trial in running)
            ended = False
            # Every report due at this moment, in trial order, then one request for the slots that freed up.
            for trial in running:
                if next_event(trial) != state["clock"]:
                    continue
                if trial["curve"] is None:
                    finish(trial)
                else:
                    report(trial)
                ended = ended or trial["phase"] != "RUNNING"
            if ended:
                request()
    except Exception as error:  # a library failure ends this experiment, as a failed call ends a service's
        outcome["error"] = f"{type(error).__name__}: {error}"
    outcome.update({"trials": finished, "calls": calls})
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", required=True, choices=peer_choices())
    parser.add_argument("--problem", required=True)
    parser.add_argument("--seeds", required=True, help="comma-separated seeds")
    parser.add_argument("--budget", type=int, required=True)
    parser.add_argument("--parallel", type=int, required=True)
    parser.add_argument("--schedule", choices=("async", "sync", "serial"), default="async")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    catalog = problems.load_catalog()
    problem = problems.problem_definition(catalog, args.problem)
    for seed in (int(text) for text in args.seeds.split(",")):
        started = time.perf_counter()
        outcome = run_experiment(args.peer, problem, catalog, seed, args.budget, args.parallel, args.schedule)
        suggestion, pruner_name = split_peer_name(args.peer)
        record = {
            "target": args.peer,
            "kind": "peer",
            "algorithm": suggestion,
            **({} if pruner_name is None else {"suggestion": suggestion, "earlyStopping": pruner_name}),
            "problem": problem["name"],
            "seed": seed,
            "schedule": args.schedule,
            "experiment": f'{problem["name"]}-seed{seed}',
            **outcome,
            "duplicates": sum(1 for trial in outcome["trials"] if trial["duplicate"]),
            "invalidAssignments": sum(1 for trial in outcome["trials"] if "error" in trial),
            "diverged": sum(1 for trial in outcome["trials"] if trial.get("diverged")),
            "peakRssKib": peak_rss_kib(),
            "wallSeconds": time.perf_counter() - started,
        }
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    # Before argparse, which would demand the experiment's arguments.
    if "--versions" in sys.argv:
        print(json.dumps(library_versions()))
        sys.exit(0)
    main()
