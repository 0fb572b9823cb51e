"""The benchmark problems for the Python baselines, read from problems.json like the TypeScript CLI reads them.

Standard library only. Each formula is written operation for operation like its TypeScript twin in
bench/problems/ (test-functions.ts, mixed-training-loss.ts, diverging-training-loss.ts, iris-knn.ts, trial-duration.ts), so that both
languages round alike; test-points.json and check_test_points.py prove it.
"""

import hashlib
import json
import math
import os
import struct

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


def learning_curve(learning_rate, weight_decay, batch_size, epochs, constants):
    """The loss reported after each epoch (as learningCurve in learning-curve.ts)."""
    log10_learning_rate = math.log10(learning_rate)
    speed = (
        constants["speedAtReference"]
        * 10 ** (constants["speedPerDecade"] * (log10_learning_rate - constants["referenceLog10LearningRate"]))
        * (constants["referenceBatchSize"] / batch_size) ** constants["batchSizeExponent"]
    )
    learning_rate_error = log10_learning_rate - constants["bestLog10LearningRate"]
    weight_decay_error = math.log10(weight_decay) - constants["bestLog10WeightDecay"]
    floor = (
        constants["floorBase"]
        + constants["floorPerLearningRate"] * learning_rate
        + constants["learningRateCurvature"] * learning_rate_error * learning_rate_error
        + constants["weightDecayCurvature"] * weight_decay_error * weight_decay_error
    )
    divergence = constants.get("divergence")
    noise = constants.get("noise")
    diverges = divergence is not None and learning_rate > divergence["above"]
    curve = []
    for epoch in range(1, epochs + 1):
        if diverges and epoch > divergence["onsetEpochs"]:
            curve.append(math.inf)
            continue
        loss = floor + (constants["initialLoss"] - floor) * math.exp(-speed * epoch)
        if noise is not None:
            z = _standard_normal(learning_rate, weight_decay, batch_size, epoch)
            loss = constants["floorBase"] + (loss - constants["floorBase"]) * math.exp(noise["sigma"] * z)
        curve.append(loss)
    return curve


def _standard_normal(learning_rate, weight_decay, batch_size, epoch):
    """Box-Muller on two uniforms from SHA-256 of the settings' IEEE 754 bytes (as standardNormal in TypeScript)."""
    digest = hashlib.sha256(
        f"noise:{epoch}:".encode("utf-8") + struct.pack("<ddd", learning_rate, weight_decay, float(batch_size))
    ).digest()
    u1 = (int.from_bytes(digest[0:4], "little") + 1) / 4294967297
    u2 = int.from_bytes(digest[4:8], "little") / 4294967296
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)


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


def katib_observation(direction, reported):
    """The value Katib records from a trial's reported values (as katibObservation in katib-observation.ts)."""
    if not reported:
        return None
    low = high = reported[0]
    for value in reported[1:]:
        if value < low:
            low = value
        elif value > high:
            high = value
    return low if direction == "minimize" else high


def learning_curve_for(problem):
    """What a trial reports, in order: one value per epoch for a learning-curve problem, else its one value."""
    constants = problem.get("constants")
    if problem["function"] == "learning-curve":
        epochs = problem["epochs"]
        return lambda values: learning_curve(
            values["learning_rate"], values["weight_decay"], values["batch_size"], epochs, constants
        )
    if problem["function"] == "iris-mlp":
        data = load_iris(constants)
        epochs = problem["epochs"]
        return lambda values: iris_mlp_curve(
            data,
            values["learning_rate"],
            values["momentum"],
            int(values["hidden_units"]),
            values["weight_decay"],
            epochs,
            constants,
        )
    objective = objective_for(problem)
    return lambda values: [objective(values)]


def iris_mlp_curve(data, learning_rate, momentum, hidden_units, weight_decay, epochs, constants):
    """Validation loss after each epoch of a one-hidden-layer perceptron (as irisMlpCurve in iris-mlp.ts)."""
    features, labels, class_count = data
    every = constants["validationEvery"]
    train_rows = [row for i, row in enumerate(features) if i % every != 0]
    train_labels = [label for i, label in enumerate(labels) if i % every != 0]
    scale = _standardiser(train_rows)
    train = [scale(row) for row in train_rows]
    validation = [scale(row) for i, row in enumerate(features) if i % every == 0]
    validation_labels = [label for i, label in enumerate(labels) if i % every == 0]
    inputs = len(train[0])
    hidden = _initial_layer(1, hidden_units, inputs)
    output = _initial_layer(2, class_count, hidden_units)
    hidden_velocity = _zero_like(hidden)
    output_velocity = _zero_like(output)
    curve = []
    diverged = False
    for epoch in range(1, epochs + 1):
        if diverged:
            curve.append(math.inf)
            continue
        order = _epoch_order(epoch, len(train))
        for start in range(0, len(order), constants["batchSize"]):
            batch = order[start : start + constants["batchSize"]]
            hidden_gradient = _zero_like(hidden)
            output_gradient = _zero_like(output)
            for row in batch:
                _backpropagate(hidden, output, train[row], train_labels[row], hidden_gradient, output_gradient)
            _step(hidden, hidden_gradient, hidden_velocity, len(batch), learning_rate, momentum, weight_decay)
            _step(output, output_gradient, output_velocity, len(batch), learning_rate, momentum, weight_decay)
        loss = _mean_loss(hidden, output, validation, validation_labels)
        diverged = not math.isfinite(loss)
        curve.append(math.inf if diverged else loss)
    return curve


_LN2 = 0.6931471805599453


def _portable_exp(x):
    """e^x from exactly rounded operations only (as portableExp in portable-math.ts)."""
    if math.isnan(x):
        return math.nan
    if x > 709:
        return math.inf
    if x < -745:
        return 0.0
    n = math.floor(x / _LN2 + 0.5)
    r = x - n * _LN2
    term = 1.0
    total = 1.0
    for k in range(1, 21):
        term = (term * r) / k
        total = total + term
    for _ in range(n):
        total = total * 2
    for _ in range(-n):
        total = total * 0.5
    return total


def _portable_log(x):
    """ln x for x >= 1 (as portableLog in portable-math.ts)."""
    if not x >= 1:
        raise ValueError(f"_portable_log takes x >= 1, got {x}")
    if x == math.inf:
        return math.inf
    m = x
    halvings = 0
    while m >= 2:
        m = m * 0.5
        halvings += 1
    t = (m - 1) / (m + 1)
    t2 = t * t
    power = t
    total = 0.0
    for k in range(40):
        total = total + power / (2 * k + 1)
        power = power * t2
    return 2 * total + halvings * _LN2


def _portable_tanh(z):
    """tanh z = 1 - 2 / (e^(2z) + 1), odd (as portableTanh in portable-math.ts)."""
    if math.isnan(z):
        return math.nan
    if z < 0:
        return -_portable_tanh(-z)
    if z > 20:
        return 1.0
    return 1 - 2 / (_portable_exp(2 * z) + 1)


def _hash_uint32(text):
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "little")


def _initial_layer(layer, outputs, inputs):
    bound = 1 / math.sqrt(inputs)
    weights = [
        [(_hash_uint32(f"iris-mlp:init:{layer}:{i}:{j}") / 4294967296 * 2 - 1) * bound for j in range(inputs)]
        for i in range(outputs)
    ]
    return (weights, [0.0] * outputs)


def _zero_like(layer):
    weights, biases = layer
    return ([[0.0] * len(row) for row in weights], [0.0] * len(biases))


def _epoch_order(epoch, rows):
    keys = [_hash_uint32(f"iris-mlp:order:{epoch}:{row}") for row in range(rows)]
    return sorted(range(rows), key=lambda row: (keys[row], row))


def _forward(hidden, output, x):
    hidden_weights, hidden_biases = hidden
    output_weights, output_biases = output
    activations = []
    for j, row in enumerate(hidden_weights):
        z = hidden_biases[j]
        for k in range(len(x)):
            z += row[k] * x[k]
        activations.append(_portable_tanh(z))
    scores = []
    for c, row in enumerate(output_weights):
        o = output_biases[c]
        for j in range(len(activations)):
            o += row[j] * activations[j]
        scores.append(o)
    top = scores[0]
    for score in scores:
        if score > top:
            top = score
    shifted = [score - top for score in scores]
    total = 0.0
    for value in shifted:
        total += _portable_exp(value)
    return activations, shifted, total


def _backpropagate(hidden, output, x, label, hidden_gradient, output_gradient):
    activations, shifted, total = _forward(hidden, output, x)
    output_delta = [_portable_exp(value) / total - (1 if c == label else 0) for c, value in enumerate(shifted)]
    for c in range(len(output_delta)):
        for j in range(len(activations)):
            output_gradient[0][c][j] += output_delta[c] * activations[j]
        output_gradient[1][c] += output_delta[c]
    for j in range(len(activations)):
        back = 0.0
        for c in range(len(output_delta)):
            back += output[0][c][j] * output_delta[c]
        delta = back * (1 - activations[j] * activations[j])
        for k in range(len(x)):
            hidden_gradient[0][j][k] += delta * x[k]
        hidden_gradient[1][j] += delta


def _step(layer, gradient, velocity, batch_rows, learning_rate, momentum, weight_decay):
    weights, biases = layer
    for i, row in enumerate(weights):
        for j in range(len(row)):
            g = gradient[0][i][j] / batch_rows + weight_decay * row[j]
            velocity[0][i][j] = momentum * velocity[0][i][j] - learning_rate * g
            row[j] = row[j] + velocity[0][i][j]
    for i in range(len(biases)):
        g = gradient[1][i] / batch_rows
        velocity[1][i] = momentum * velocity[1][i] - learning_rate * g
        biases[i] = biases[i] + velocity[1][i]


def _mean_loss(hidden, output, rows, labels):
    total = 0.0
    for i, x in enumerate(rows):
        _, shifted, exp_sum = _forward(hidden, output, x)
        total += _portable_log(exp_sum) - shifted[labels[i]]
    return total / len(rows)


def objective_for(problem):
    """The problem's objective: parsed parameter values in, the metric value a trial would report out.

    For a learning-curve problem, the best value a trial that ran every epoch reported (Katib's default metric
    strategy)."""
    kind = problem["function"]
    if kind in CURVE_FORMULAS:
        curve = learning_curve_for(problem)
        return lambda values: katib_observation(problem["objective"]["type"], curve(values))
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


# Formulas that give a learning curve (one value per epoch) rather than one value.
CURVE_FORMULAS = ("learning-curve", "iris-mlp")


def trial_duration_seconds(definition, problem, seed, trial):
    """Simulated run time of trial number `trial` (1-based, creation order), as trialDurationSeconds in TypeScript."""
    digest = hashlib.sha256(f"duration:{problem}:{seed}:{trial}".encode("utf-8")).digest()
    span = definition["maxSeconds"] - definition["minSeconds"] + 1
    return definition["minSeconds"] + int.from_bytes(digest[:4], "little") % span
