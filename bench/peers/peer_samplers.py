"""The Python baselines behind one ask/tell interface.

A peer is made for one experiment (a problem and a seed). `ask(count)` returns `count` (handle, assignments)
pairs, assignments being strings as Katib would pass them to a trial; `report(handle, value, step)` passes on a
running trial's value after an epoch and says whether to prune it there; `tell(handle, value, pruned)` reports a
finished trial's objective value, or None when it failed. Each library is used as its documentation shows, with its
defaults unless the peer's name says otherwise. Only an Optuna peer prunes, and only when its name asks for a
pruner: `optuna-tpe+median-pruner` is optuna-tpe with Optuna's MedianPruner, on its defaults.
"""

import math

PEER_NAMES = (
    "optuna-tpe",
    "optuna-multivariate-tpe",
    "optuna-gp",
    "optuna-random",
    "hyperopt-tpe",
    "skopt-gp",
    "optuna-cmaes",
    "optuna-sobol",
    "optuna3.3-tpe",
    "optuna3.3-multivariate-tpe",
)

# Peers that name an optuna version run the same recipe as the unversioned one, in an environment with that
# version (bench/peers/.venv-optuna3.3): Katib's stock optuna service pins 3.3.0.
VERSIONED_OPTUNA = "optuna3.3-"


# Optuna's pruners, by the suffix a peer name carries after "+"; each on its defaults but the percentile.
PRUNERS = {
    "median-pruner": lambda optuna: optuna.pruners.MedianPruner(),
    "percentile-pruner": lambda optuna: optuna.pruners.PercentilePruner(25.0),
}


def split_peer_name(name):
    """'optuna-tpe+median-pruner' -> ('optuna-tpe', 'median-pruner'); a name without '+' has no pruner (None)."""
    suggestion, _, pruner = name.partition("+")
    return suggestion, (pruner or None)


def peer_choices():
    """Every peer name run_peer.py takes: the peers, and the Optuna ones with each pruner."""
    pruned = [f"{name}+{pruner}" for name in PEER_NAMES if name.startswith("optuna") for pruner in PRUNERS]
    return list(PEER_NAMES) + pruned


def format_value(parameter, value):
    """A sampled value as the string a Katib trial receives."""
    kind = parameter["parameterType"]
    if kind == "categorical":
        return str(value)
    if kind == "int":
        return str(int(round(float(value))))
    return repr(float(value))


def _is_log(parameter):
    return parameter["feasibleSpace"].get("distribution") == "logUniform"


def _discrete_values(parameter):
    return [float(item) for item in parameter["feasibleSpace"]["list"]]


class OptunaPeer:
    """An Optuna study driven by ask and tell; running trials are known to the study as RUNNING."""

    def __init__(self, problem, seed, make_sampler, pruner_name=None):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self._optuna = optuna
        self._problem = problem
        self._prunes = pruner_name is not None
        direction = "minimize" if problem["objective"]["type"] == "minimize" else "maximize"
        pruner = PRUNERS[pruner_name](optuna) if self._prunes else optuna.pruners.NopPruner()
        self._study = optuna.create_study(direction=direction, sampler=make_sampler(optuna, seed), pruner=pruner)
        self._distributions = {parameter["name"]: self._distribution(parameter) for parameter in problem["parameters"]}

    def _distribution(self, parameter):
        distributions = self._optuna.distributions
        space = parameter["feasibleSpace"]
        kind = parameter["parameterType"]
        if kind == "double":
            step = float(space["step"]) if space.get("step") else None
            return distributions.FloatDistribution(float(space["min"]), float(space["max"]), log=_is_log(parameter), step=step)
        if kind == "int":
            step = int(space["step"]) if space.get("step") else 1
            return distributions.IntDistribution(int(space["min"]), int(space["max"]), log=_is_log(parameter), step=step)
        if kind == "discrete":
            return distributions.CategoricalDistribution(_discrete_values(parameter))
        return distributions.CategoricalDistribution(list(space["list"]))

    def ask(self, count):
        proposals = []
        for _ in range(count):
            trial = self._study.ask(self._distributions)
            assignments = {
                parameter["name"]: format_value(parameter, trial.params[parameter["name"]]) for parameter in self._problem["parameters"]
            }
            proposals.append((trial, assignments))
        return proposals

    def report(self, handle, value, step):
        if not self._prunes:
            return False
        handle.report(value, step)
        return handle.should_prune()

    def tell(self, handle, value, pruned=False):
        if value is None:
            self._study.tell(handle, state=self._optuna.trial.TrialState.FAIL)
        elif pruned:
            self._study.tell(handle, state=self._optuna.trial.TrialState.PRUNED)
        else:
            self._study.tell(handle, value)


class HyperoptPeer:
    """Hyperopt's TPE driven through its Trials store, one suggestion at a time, as its own fmin queue does."""

    def __init__(self, problem, seed):
        import hyperopt
        import numpy

        self._hyperopt = hyperopt
        self._problem = problem
        self._minimize = problem["objective"]["type"] == "minimize"
        self._space = {parameter["name"]: self._expression(parameter) for parameter in problem["parameters"]}
        self._domain = hyperopt.Domain(lambda _: 0.0, self._space)
        self._trials = hyperopt.Trials()
        self._rng = numpy.random.default_rng(seed)

    def _expression(self, parameter):
        hp = self._hyperopt.hp
        space = parameter["feasibleSpace"]
        name = parameter["name"]
        kind = parameter["parameterType"]
        if kind == "double":
            low, high = float(space["min"]), float(space["max"])
            return hp.loguniform(name, math.log(low), math.log(high)) if _is_log(parameter) else hp.uniform(name, low, high)
        if kind == "int":
            return hp.uniformint(name, int(space["min"]), int(space["max"]))
        if kind == "discrete":
            return hp.choice(name, _discrete_values(parameter))
        return hp.choice(name, list(space["list"]))

    def ask(self, count):
        proposals = []
        for _ in range(count):
            ids = self._trials.new_trial_ids(1)
            self._trials.refresh()
            docs = self._hyperopt.tpe.suggest(ids, self._domain, self._trials, int(self._rng.integers(2**31 - 1)))
            for doc in docs:
                doc["state"] = self._hyperopt.JOB_STATE_RUNNING
            self._trials.insert_trial_docs(docs)
            self._trials.refresh()
            for doc in docs:
                chosen = {key: values[0] for key, values in doc["misc"]["vals"].items() if values}
                params = self._hyperopt.space_eval(self._space, chosen)
                assignments = {parameter["name"]: format_value(parameter, params[parameter["name"]]) for parameter in self._problem["parameters"]}
                proposals.append((doc["tid"], assignments))
        return proposals

    def report(self, handle, value, step):
        return False

    def tell(self, handle, value, pruned=False):
        for doc in self._trials._dynamic_trials:
            if doc["tid"] == handle:
                doc["state"] = self._hyperopt.JOB_STATE_DONE
                if value is None:
                    doc["result"] = {"status": self._hyperopt.STATUS_FAIL}
                else:
                    doc["result"] = {"status": self._hyperopt.STATUS_OK, "loss": value if self._minimize else -value}
        self._trials.refresh()


class SkoptPeer:
    """scikit-optimize's Optimizer with its defaults (GP, gp_hedge, 10 random initial points); batches by constant liar."""

    def __init__(self, problem, seed):
        import skopt

        self._problem = problem
        self._minimize = problem["objective"]["type"] == "minimize"
        dimensions = [self._dimension(skopt.space, parameter) for parameter in problem["parameters"]]
        self._optimizer = skopt.Optimizer(dimensions, base_estimator="GP", acq_func="gp_hedge", random_state=seed)

    def _dimension(self, space_module, parameter):
        space = parameter["feasibleSpace"]
        name = parameter["name"]
        kind = parameter["parameterType"]
        prior = "log-uniform" if _is_log(parameter) else "uniform"
        if kind == "double":
            return space_module.Real(float(space["min"]), float(space["max"]), prior=prior, name=name)
        if kind == "int":
            return space_module.Integer(int(space["min"]), int(space["max"]), prior=prior, name=name)
        if kind == "discrete":
            return space_module.Categorical(_discrete_values(parameter), name=name)
        return space_module.Categorical(list(space["list"]), name=name)

    def ask(self, count):
        points = self._optimizer.ask(n_points=count) if count > 1 else [self._optimizer.ask()]
        proposals = []
        for point in points:
            native = [value.item() if hasattr(value, "item") else value for value in point]
            assignments = {
                parameter["name"]: format_value(parameter, value) for parameter, value in zip(self._problem["parameters"], native)
            }
            proposals.append((native, assignments))
        return proposals

    def report(self, handle, value, step):
        return False

    def tell(self, handle, value, pruned=False):
        # scikit-optimize has no notion of a failed point: a failed trial is simply never told.
        if value is not None:
            self._optimizer.tell(handle, value if self._minimize else -value)


def make_peer(name, problem, seed, pruner_name=None):
    if pruner_name is not None and not (name.startswith("optuna") and pruner_name in PRUNERS):
        raise ValueError(f'"{name}+{pruner_name}": only an Optuna peer prunes, with one of {", ".join(PRUNERS)}')
    if name.startswith(VERSIONED_OPTUNA):
        import optuna

        if not optuna.__version__.startswith("3.3."):
            raise RuntimeError(f"{name} needs optuna 3.3 (bench/peers/.venv-optuna3.3), not {optuna.__version__}")
        name = "optuna-" + name[len(VERSIONED_OPTUNA):]
    if name == "optuna-tpe":
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.TPESampler(seed=s, multivariate=False), pruner_name)
    if name == "optuna-multivariate-tpe":
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.TPESampler(seed=s, multivariate=True), pruner_name)
    if name == "optuna-gp":
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.GPSampler(seed=s), pruner_name)
    if name == "optuna-random":
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.RandomSampler(seed=s), pruner_name)
    if name == "optuna-cmaes":
        # Optuna's CMA-ES on its defaults: numeric parameters only, categorical ones drawn by an independent
        # random sampler (seeded from the study's seed).
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.CmaEsSampler(seed=s), pruner_name)
    if name == "optuna-sobol":
        # QMCSampler's default is an unscrambled Sobol sequence, the same points for every seed; the peer asks for
        # the scrambled one, seeded, which is what `sobol` serves.
        return OptunaPeer(problem, seed, lambda optuna, s: optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=s), pruner_name)
    if name == "hyperopt-tpe":
        return HyperoptPeer(problem, seed)
    if name == "skopt-gp":
        return SkoptPeer(problem, seed)
    raise ValueError(f'unknown peer "{name}"; known peers: {", ".join(PEER_NAMES)}')


def library_versions():
    versions = {}
    for module in ("optuna", "hyperopt", "skopt", "torch", "numpy", "scipy"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            versions[module] = "not installed"
    return versions
