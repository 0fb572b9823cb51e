"""The benchmark problems for the Python baselines, read from problems.json like the TypeScript CLI reads them.

Standard library only. Each formula is written operation for operation like its TypeScript twin in
bench/problems/ (test-functions.ts, mixed-training-loss.ts, diverging-training-loss.ts, iris-knn.ts, trial-duration.ts), so that both
languages round alike; test-points.json and check_test_points.py prove it.
"""

import hashlib
import json
import math
import os

PROBLEMS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(PROBLEMS_DIR))
PROBLEMS_FILE = os.path.join(PROBLEMS_DIR, "problems.json")

# Bounds are checked with this slack, a fraction of the range (as RANGE_SLACK in assignment-values.ts).
RANGE_SLACK = 1e-9


class InvalidAssignment(ValueError):
    """An assignment outside the problem's feasible space."""


def load_catalog():
    with open(PROBLEMS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def problem_definition(catalog, name):
    for problem in catalog["problems"]:
        if problem["name"] == name:
            return problem
    known = ", ".join(problem["name"] for problem in catalog["problems"])
    raise KeyError(f'unknown problem "{name}"; known problems: {known}')


def parse_assignment_values(problem, assignments):
    """String assignments (as a Katib trial receives them) -> the values the formula takes."""
    values = {}
    for parameter in problem["parameters"]:
        name = parameter["name"]
        if name not in assignments:
            raise InvalidAssignment(f'parameter "{name}" is missing')
        values[name] = _parse_value(parameter, assignments[name])
    return values


def _parse_value(parameter, text):
    space = parameter["feasibleSpace"]
    kind = parameter["parameterType"]
    if kind == "categorical":
        if text not in space["list"]:
            raise InvalidAssignment(f'parameter "{parameter["name"]}" = "{text}" is not in the list')
        return text
    value = float(text)
    if not math.isfinite(value):
        raise InvalidAssignment(f'parameter "{parameter["name"]}" = "{text}" is not finite')
    if kind == "discrete":
        if not any(float(item) == value for item in space["list"]):
            raise InvalidAssignment(f'parameter "{parameter["name"]}" = "{text}" is not in the list')
        return value
    if kind == "int" and value != math.floor(value):
        raise InvalidAssignment(f'parameter "{parameter["name"]}" = "{text}" is not an integer')
    low, high = float(space["min"]), float(space["max"])
    slack = (high - low) * RANGE_SLACK
    if value < low - slack or value > high + slack:
        raise InvalidAssignment(f'parameter "{parameter["name"]}" = "{text}" is outside [{low}, {high}]')
    return int(value) if kind == "int" else value


def branin(x1, x2):
    b = 5.1 / (4 * math.pi * math.pi)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    u = x2 - b * x1 * x1 + c * x1 - 6
    return u * u + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(x, constants):
    total = 0.0
    for i, alpha in enumerate(constants["alpha"]):
        inner = 0.0
        for j, value in enumerate(x):
            d = value - constants["P"][i][j]
            inner += constants["A"][i][j] * d * d
        total += alpha * math.exp(-inner)
    return -total


def rosenbrock(x):
    total = 0.0
    for i in range(len(x) - 1):
        valley = x[i + 1] - x[i] * x[i]
        offset = x[i] - 1
        total += 100 * valley * valley + offset * offset
    return total


def levy(x):
    w = [1 + (value - 1) / 4 for value in x]
    last = w[-1]
    first = math.sin(math.pi * w[0])
    total = first * first
    for wi in w[:-1]:
        wave = math.sin(math.pi * wi + 1)
        total += (wi - 1) * (wi - 1) * (1 + 10 * wave * wave)
    last_wave = math.sin(2 * math.pi * last)
    return total + (last - 1) * (last - 1) * (1 + last_wave * last_wave)


def ackley(x, constants):
    squares = 0.0
    cosines = 0.0
    for value in x:
        squares += value * value
        cosines += math.cos(constants["c"] * value)
    n = len(x)
    return -constants["a"] * math.exp(-constants["b"] * math.sqrt(squares / n)) - math.exp(cosines / n) + constants["a"] + math.e


def mixed_training_loss(learning_rate, width, optimizer, dropout, constants):
    chosen = constants["optimizers"][optimizer]
    learning_rate_error = math.log10(learning_rate) - chosen["bestLog10LearningRate"]
    log2_width = math.log2(width)
    width_error = log2_width - constants["bestLog2Width"]
    best_dropout = min(
        max(constants["dropoutPerLog2Width"] * (log2_width - constants["log2WidthWithoutDropout"]), 0),
        constants["maxBestDropout"],
    )
    dropout_error = dropout - best_dropout
    return (
        chosen["offset"]
        + constants["learningRateCurvature"] * learning_rate_error * learning_rate_error
        + constants["widthCurvature"] * width_error * width_error
        + constants["dropoutCurvature"] * dropout_error * dropout_error
    )


_datasets = {}


def diverging_training_loss(learning_rate, momentum, constants):
    if learning_rate > constants["divergesAbove"]:
        return math.inf
    learning_rate_error = math.log10(learning_rate) - constants["bestLog10LearningRate"]
    momentum_error = momentum - constants["bestMomentum"]
    return (
        constants["learningRateCurvature"] * learning_rate_error * learning_rate_error
        + constants["momentumCurvature"] * momentum_error * momentum_error
    )


def load_iris(constants):
    """The data set file named by the constants, from the npm package installed in the repository."""
    dataset = constants["dataset"]
    path = os.path.join(REPO_ROOT, "node_modules", dataset["npmPackage"], dataset["file"])
    if path not in _datasets:
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)
        classes = []
        labels = []
        for row in rows:
            species = str(row[-1])
            if species not in classes:
                classes.append(species)
            labels.append(classes.index(species))
        features = [[float(value) for value in row[:-1]] for row in rows]
        _datasets[path] = (features, labels, len(classes))
    return _datasets[path]


def iris_knn_accuracy(data, neighbours, vote, feature_weights, folds):
    """Cross-validated accuracy: row i is held out in fold i mod folds; features standardised per training fold."""
    features, labels, class_count = data
    correct = 0
    for fold in range(folds):
        train_rows = [row for i, row in enumerate(features) if i % folds != fold]
        train_labels = [label for i, label in enumerate(labels) if i % folds != fold]
        scale = _standardiser(train_rows)
        train = [scale(row) for row in train_rows]
        for i, row in enumerate(features):
            if i % folds != fold:
                continue
            predicted = _predict(train, train_labels, scale(row), neighbours, vote, feature_weights, class_count)
            if predicted == labels[i]:
                correct += 1
    return correct / len(features)


def _standardiser(rows):
    means = []
    deviations = []
    for j in range(len(rows[0])):
        total = 0.0
        for row in rows:
            total += row[j]
        mean = total / len(rows)
        squares = 0.0
        for row in rows:
            squares += (row[j] - mean) * (row[j] - mean)
        deviation = math.sqrt(squares / len(rows))
        means.append(mean)
        deviations.append(1.0 if deviation == 0 else deviation)
    return lambda row: [(value - means[j]) / deviations[j] for j, value in enumerate(row)]


def _predict(train, train_labels, query, neighbours, vote, feature_weights, class_count):
    scored = []
    for index, row in enumerate(train):
        distance = 0.0
        for j, value in enumerate(query):
            diff = value - row[j]
            distance += feature_weights[j] * diff * diff
        scored.append((distance, index))
    scored.sort()
    nearest = scored[:neighbours]
    votes = [0.0] * class_count
    exact = [item for item in nearest if item[0] == 0]
    if vote == "distance" and exact:
        for _, index in exact:
            votes[train_labels[index]] += 1
    else:
        for distance, index in nearest:
            votes[train_labels[index]] += 1 / math.sqrt(distance) if vote == "distance" else 1
    best = 0
    for c in range(1, class_count):
        if votes[c] > votes[best]:
            best = c
    return best


def objective_for(problem):
    """The problem's objective: parsed parameter values in, the metric value a trial would report out."""
    kind = problem["function"]
    constants = problem.get("constants")
    names = [parameter["name"] for parameter in problem["parameters"]]

    def vector(values):
        return [values[name] for name in names]

    if kind == "branin":
        return lambda values: branin(values["x1"], values["x2"])
    if kind == "hartmann6":
        return lambda values: hartmann6(vector(values), constants)
    if kind == "rosenbrock":
        return lambda values: rosenbrock(vector(values))
    if kind == "levy":
        return lambda values: levy(vector(values))
    if kind == "ackley":
        return lambda values: ackley(vector(values), constants)
    if kind == "mixed":
        return lambda values: mixed_training_loss(
            values["learning_rate"], values["width"], values["optimizer"], values["dropout"], constants
        )
    if kind == "diverging":
        return lambda values: diverging_training_loss(values["learning_rate"], values["momentum"], constants)
    if kind == "iris-knn":
        data = load_iris(constants)
        return lambda values: iris_knn_accuracy(
            data,
            int(values["n_neighbors"]),
            values["vote"],
            [values[name] for name in constants["featureWeightParameters"]],
            constants["folds"],
        )
    raise KeyError(f'problem "{problem["name"]}": no formula named "{kind}"')


def trial_duration_seconds(definition, problem, seed, trial):
    """Simulated run time of trial number `trial` (1-based, creation order), as trialDurationSeconds in TypeScript."""
    digest = hashlib.sha256(f"duration:{problem}:{seed}:{trial}".encode("utf-8")).digest()
    span = definition["maxSeconds"] - definition["minSeconds"] + 1
    return definition["minSeconds"] + int.from_bytes(digest[:4], "little") % span
