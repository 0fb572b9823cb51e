"""Runs a Python baseline on one benchmark problem for several seeds, the way the TypeScript CLI's simulated Katib
controller runs a service: `parallel` trials running, simulated durations from the shared schedule, a request for
as many new points as there are free slots whenever trials finish (ask), results told as trials finish (tell).
`--schedule sync` ends each batch's trials together, when the slowest would (see simulated-controller.ts); the
caller passes `--parallel 1` for the serial schedule.

Prints one JSON object per experiment on stdout, in the CLI's results shape (bench/report/results-file.ts).
Usage: run_peer.py --peer optuna-tpe --problem branin --seeds 0,1,2 --budget 60 --parallel 3 [--schedule sync]
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
from peer_samplers import PEER_NAMES, library_versions, make_peer  # noqa: E402


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
    objective = problems.objective_for(problem)
    peer = make_peer(peer_name, problem, seed)
    trials = []
    finished = []
    calls = []
    seen = set()
    told_since_ask = []
    state = {"total": 0, "clock": 0}

    def request():
        running = sum(1 for trial in trials if trial["phase"] == "RUNNING")
        wanted = min(parallel - running, budget - state["total"])
        if wanted <= 0:
            return
        state["total"] += wanted
        started = time.perf_counter()
        # The peer learns of finished trials here, so that the time it spends on them counts as suggestion time.
        for handle, value in told_since_ask:
            peer.tell(handle, value)
        told_since_ask.clear()
        proposals = peer.ask(wanted)
        calls.append(
            {
                "historySize": len(trials),
                "completed": sum(1 for trial in trials if trial["phase"] == "SUCCEEDED"),
                "running": running,
                "requested": wanted,
                "totalRequested": state["total"],
                "milliseconds": (time.perf_counter() - started) * 1000,
            }
        )
        if len(proposals) != wanted:
            raise RuntimeError(f"ask returned {len(proposals)} points for a request of {wanted}")
        for handle, assignments in proposals:
            number = len(trials) + 1
            key = assignment_key(problem, assignments)
            trials.append(
                {
                    "number": number,
                    "handle": handle,
                    "assignments": assignments,
                    "phase": "RUNNING",
                    "start": state["clock"],
                    "end": state["clock"] + problems.trial_duration_seconds(catalog["trialDuration"], problem["name"], seed, number),
                    "duplicate": key in seen,
                }
            )
            seen.add(key)

    def finish(trial):
        record = {
            "number": trial["number"],
            "assignments": trial["assignments"],
            "value": None,
            "startSeconds": trial["start"],
            "completionSeconds": trial["end"],
            "duplicate": trial["duplicate"],
        }
        told = None
        try:
            told = objective(problems.parse_assignment_values(problem, trial["assignments"]))
            trial["phase"] = "SUCCEEDED"
            if math.isfinite(told):
                record["value"] = told
            else:
                # Training diverged: the library is told inf, as a Katib trial would report it; JSON has no inf.
                record["diverged"] = True
        except problems.InvalidAssignment as error:
            trial["phase"] = "FAILED"
            record["error"] = str(error)
        told_since_ask.append((trial["handle"], told))
        finished.append(record)

    outcome = {}
    try:
        request()
        while True:
            running = [trial for trial in trials if trial["phase"] == "RUNNING"]
            if not running:
                break
            if schedule == "sync":
                state["clock"] = max(trial["end"] for trial in running)
                for trial in running:
                    trial["end"] = state["clock"]
                    finish(trial)
            else:
                state["clock"] = min(trial["end"] for trial in running)
                for trial in running:
                    if trial["end"] == state["clock"]:
                        finish(trial)
            request()
    except Exception as error:  # a library failure ends this experiment, as a failed call ends a service's
        outcome["error"] = f"{type(error).__name__}: {error}"
    outcome.update({"trials": finished, "calls": calls})
    return outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", required=True, choices=PEER_NAMES)
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
        record = {
            "target": args.peer,
            "kind": "peer",
            "algorithm": args.peer,
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
