"""Checks the Python problem code against test-points.json (plain python3, no packages).

Exits 1 listing every disagreement; test/bench/problem-functions.test.ts runs it.
"""

import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import problems  # noqa: E402


def _within(actual, expected, tolerance):
    """The test-point rule (withinTolerance in test-points.ts); 'inf' is how the table spells infinity."""
    if expected == "inf":
        return actual == math.inf
    return abs(actual - expected) <= tolerance * max(1.0, abs(expected))


def main():
    catalog = problems.load_catalog()
    with open(os.path.join(problems.PROBLEMS_DIR, "test-points.json"), encoding="utf-8") as handle:
        table = json.load(handle)
    failures = []
    for point in table["points"]:
        problem = problems.problem_definition(catalog, point["problem"])
        actual = problems.objective_for(problem)(problems.parse_assignment_values(problem, point["assignments"]))
        wrong = not _within(actual, point["expected"], point["tolerance"])
        if wrong:
            failures.append(f'{point["problem"]} {point["assignments"]}: expected {point["expected"]!r}, got {actual!r}')
        if "curve" in point:
            curve = problems.learning_curve_for(problem)(problems.parse_assignment_values(problem, point["assignments"]))
            if len(curve) != len(point["curve"]) or any(
                not _within(value, expected, point["tolerance"]) for value, expected in zip(curve, point["curve"])
            ):
                failures.append(f'{point["problem"]} {point["assignments"]}: curve {curve!r} is not {point["curve"]!r}')
    for entry in table["durations"]:
        actual = problems.trial_duration_seconds(catalog["trialDuration"], entry["problem"], entry["seed"], entry["trial"])
        if actual != entry["expectedSeconds"]:
            failures.append(f'duration {entry}: got {actual}')
    for failure in failures:
        print(failure)
    print(f'{len(table["points"]) + len(table["durations"]) - len(failures)} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
