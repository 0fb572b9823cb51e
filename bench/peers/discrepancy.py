"""Centred L2 discrepancy of the points each run tried, for the problems whose parameters are all continuous.

Reads results files of `npm run bench -- run` (ours and the peers'), maps each run's assignments onto the unit
cube by the problem's bounds (log bounds for log-uniform parameters) in the order the trials were handed out, and
prints per target and problem the median over seeds of scipy's centred L2 discrepancy (lower is more even).
Usage: bench/peers/.venv/bin/python bench/peers/discrepancy.py RESULTS.json [RESULTS.json ...]
"""

import json
import math
import os
import statistics
import sys

from scipy.stats import qmc

PROBLEMS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "problems", "problems.json")


def unit_point(problem, assignments):
    point = []
    for parameter in problem["parameters"]:
        space = parameter["feasibleSpace"]
        low, high, value = float(space["min"]), float(space["max"]), float(assignments[parameter["name"]])
        if space.get("distribution") == "logUniform":
            low, high, value = math.log(low), math.log(high), math.log(value)
        point.append(min(1.0, max(0.0, (value - low) / (high - low))))
    return point


def main(paths):
    with open(PROBLEMS_FILE, encoding="utf-8") as handle:
        problems = {problem["name"]: problem for problem in json.load(handle)["problems"]}
    continuous = {name for name, problem in problems.items() if all(p["parameterType"] == "double" for p in problem["parameters"])}
    table = {}
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            runs = json.load(handle)["runs"]
        for run in runs:
            if run["problem"] not in continuous:
                continue
            problem = problems[run["problem"]]
            trials = sorted(run["trials"], key=lambda trial: trial["number"])
            points = [unit_point(problem, trial["assignments"]) for trial in trials]
            table.setdefault((run["target"], run["problem"]), []).append(qmc.discrepancy(points, method="CD"))
    names = sorted({problem for _, problem in table})
    targets = sorted({target for target, _ in table})
    print("| target | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for target in targets:
        cells = [f"{statistics.median(table[(target, name)]):.3g}" if (target, name) in table else "n/a" for name in names]
        print(f"| {target} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
