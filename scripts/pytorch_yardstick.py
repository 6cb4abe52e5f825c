"""The PyTorch half of `npm run bench`: what a researcher would run instead of EMC Lab.

Reads one JSON job on stdin, prints one JSON answer on stdout. Never part of the tests;
the bench runs it only where Debian's python3-torch is installed (docs/architecture.md,
"Yardsticks for speed": one thread, OpenBLAS, run with /usr/bin/python3).

Job:
  {"stepRates": [{"id", "inputFeatures", "hidden": [..], "classes", "samples",
                  "batchSize", "epochs"}],
   "search": {"inputFeatures", "classes", "poolSize", "depth", "widths": [..],
              "learningRate", "batchSize" (int or "full"), "maxSteps", "start",
              "precision", "seed"}}
Answer:
  {"torch": version, "threads": 1, "stepRates": [{"id", "stepsPerSecond"}],
   "search": {"points": [{"width", "parameterCount", "emc", "probes", "wallMs"}]}}
"""

import json
import math
import sys
import time

import torch
from torch import nn


def mlp(input_features, hidden, classes):
    """EMC Lab's MLP, initialized as the lab does (Glorot-uniform weights, zero biases)."""
    layers, width = [], input_features
    for units in hidden:
        layers += [nn.Linear(width, units), nn.ReLU()]
        width = units
    layers.append(nn.Linear(width, classes))
    model = nn.Sequential(*layers)
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def step_rate(case):
    """Adam steps per second over shuffled mini-batches, best of three timed passes."""
    torch.manual_seed(1)
    x = torch.randn(case["samples"], case["inputFeatures"])
    y = torch.randint(0, case["classes"], (case["samples"],))
    model = mlp(case["inputFeatures"], case["hidden"], case["classes"])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batch = case["batchSize"]

    def epoch():
        order = torch.randperm(case["samples"])
        steps = 0
        for start in range(0, case["samples"], batch):
            idx = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            steps += 1
        return steps

    epoch()  # warm-up
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        steps = sum(epoch() for _ in range(case["epochs"]))
        best = max(best, steps / (time.perf_counter() - started))
    return {"id": case["id"], "stepsPerSecond": best}


def fits(job, x, y, width, n, seed):
    """One probe: train on the first n samples until all are right or the step cap is spent."""
    torch.manual_seed(seed)
    model = mlp(job["inputFeatures"], [width] * job["depth"], job["classes"])
    optimizer = torch.optim.Adam(model.parameters(), lr=job["learningRate"])
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = x[:n], y[:n]
    batch = n if job["batchSize"] == "full" else min(job["batchSize"], n)
    steps = 0
    while steps < job["maxSteps"]:
        order = torch.randperm(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(xs[idx]), ys[idx]).backward()
            optimizer.step()
            steps += 1
        with torch.no_grad():
            if bool((model(xs).argmax(1) == ys).all()):
                return True
    return False


def emc_search(job, x, y, width, start):
    """EMC Lab's gallop-then-bisect with one probe per round (gallopThenBisect.ts)."""
    pool = job["poolSize"]
    lo, hi, probes = 0, None, 0
    n = max(1, min(pool, start))
    while True:
        probes += 1
        if fits(job, x, y, width, n, job["seed"]):
            lo = max(lo, n)
            if n >= pool:
                return lo, probes
        else:
            hi = n if hi is None else min(hi, n)
        if hi is not None and lo > 0:
            break
        if hi == 1:
            return 0, probes
        n = max(1, min(pool, lo * 2 if hi is None else hi // 2))
    while True:
        if hi - lo <= max(1, math.floor(job["precision"] * lo)):
            return lo, probes
        n = (lo + hi) // 2
        if n <= lo or n >= hi:
            return lo, probes
        probes += 1
        if fits(job, x, y, width, n, job["seed"]):
            lo = n
        else:
            hi = n


def search(job):
    generator = torch.Generator().manual_seed(job["seed"])
    x = torch.randn(job["poolSize"], job["inputFeatures"], generator=generator)
    y = torch.randint(0, job["classes"], (job["poolSize"],), generator=generator)
    points, guess = [], job["start"]
    for width in job["widths"]:
        started = time.perf_counter()
        emc, probes = emc_search(job, x, y, width, guess)
        model = mlp(job["inputFeatures"], [width] * job["depth"], job["classes"])
        points.append(
            {
                "width": width,
                "parameterCount": sum(p.numel() for p in model.parameters()),
                "emc": emc,
                "probes": probes,
                "wallMs": (time.perf_counter() - started) * 1000,
            }
        )
        guess = max(1, emc)
    return {"points": points}


def main():
    torch.set_num_threads(1)
    job = json.load(sys.stdin)
    answer = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    answer["stepRates"] = [step_rate(case) for case in job.get("stepRates", [])]
    if "search" in job:
        answer["search"] = search(job["search"])
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
