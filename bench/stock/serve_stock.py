"""Serves one of Katib's stock Python services, from a Katib source checkout, on a free port of 127.0.0.1.

Katib's own entry point (cmd/<kind>/<service>/v1beta1/main.py) binds 0.0.0.0 and a fixed port; this does the same
as it otherwise: the service's servicer class from the checkout, a gRPC server with a pool of 10 threads, the
health servicer for a suggestion service. It binds 127.0.0.1:<port> (0: a free port) and, once serving, prints
one JSON line {"msg": "listening", "port": N, "service": NAME} on stdout, as this repository's services do.
bench/stock/stock-service.ts starts it with the PYTHONPATH that makes the checkout importable.
Usage: serve_stock.py --service optuna [--port 0]
"""

import argparse
import importlib
import json
import os
import signal
import sys
import time
from concurrent import futures

import grpc

# service: (module, class, kind). The suggestion servicers also answer grpc.health.v1.Health, as main.py registers.
SERVICES = {
    "hyperopt": ("pkg.suggestion.v1beta1.hyperopt.service", "HyperoptService", "suggestion"),
    "optuna": ("pkg.suggestion.v1beta1.optuna.service", "OptunaService", "suggestion"),
    "skopt": ("pkg.suggestion.v1beta1.skopt.service", "SkoptService", "suggestion"),
    "medianstop": ("pkg.earlystopping.v1beta1.medianstop.service", "MedianStopService", "earlystopping"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--service", required=True, choices=sorted(SERVICES))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    module_name, class_name, kind = SERVICES[args.service]
    from pkg.apis.manager.v1beta1.python import api_pb2_grpc

    servicer = getattr(importlib.import_module(module_name), class_name)()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    if kind == "suggestion":
        from pkg.apis.manager.health.python import health_pb2_grpc

        api_pb2_grpc.add_SuggestionServicer_to_server(servicer, server)
        health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    else:
        api_pb2_grpc.add_EarlyStoppingServicer_to_server(servicer, server)
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    if port == 0:
        sys.exit(f"could not bind 127.0.0.1:{args.port}")
    server.start()
    print(json.dumps({"msg": "listening", "port": port, "service": args.service}), flush=True)
    # Serves until the process is ended (SIGTERM, SIGKILL): the benchmark stops it after each Experiment. Should
    # the benchmark itself die first, the service is orphaned (its parent changes): then it ends itself and its
    # process group (medianstop forks), instead of serving nobody for ever.
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os.killpg(os.getpgid(0), signal.SIGKILL)


if __name__ == "__main__":
    main()
