"""PyTorch reference for `npm run bench` (bench/speed.ts): one workload, printed as `RESULT {json}`.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_rnn.py '<workload json>' SECONDS WARMUP [SOAK]

The workload JSON comes from bench/workloads.ts `torchSpec`. The network mirrors the studio's:
embedding (or features) -> nn.LSTM / nn.GRU / nn.RNN (stacked, optionally bidirectional, concat)
-> linear head; cross-entropy at every step, on the last step for classes, MSE for regression;
Adam; random data. Two torch threads, as the issue measures (Debian torch 1.13 + OpenBLAS).
"""
import json
import resource
import sys
import time

import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.w = w
        width = w["features"]
        if w["vocab"]:
            self.embed = nn.Embedding(w["vocab"], w["embedding"])
            width = w["embedding"]
        cls = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[w["cell"]]
        extra = {"nonlinearity": w["activation"]} if w["cell"] == "rnn" else {}
        self.layers = nn.ModuleList()
        for units in w["layers"]:
            self.layers.append(cls(width, units, bidirectional=w["bidirectional"], **extra))
            width = units * (2 if w["bidirectional"] else 1)
        self.head = nn.Linear(width, w["outputs"])

    def forward(self, x, state=None):
        # x: [T, N] ids or [T, N, F] features (time-major, PyTorch's default layout).
        h = self.embed(x) if self.w["vocab"] else x
        new_state = []
        for i, layer in enumerate(self.layers):
            h, s = layer(h, None if state is None else state[i])
            new_state.append(s)
        return h, new_state


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def train(w, seconds, warmup, soak):
    net = Net(w)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    T, N = w["steps"], w["batch"]
    if w["vocab"]:
        xs = [torch.randint(0, w["vocab"], (T, N)) for _ in range(4)]
    else:
        xs = [torch.randn(T, N, w["features"]) for _ in range(4)]
    if w["head"] == "tokens-per-step":
        ys = [torch.randint(0, w["outputs"], (T * N,)) for _ in range(4)]
    elif w["head"] == "class":
        ys = [torch.randint(0, w["outputs"], (N,)) for _ in range(4)]
    else:
        ys = [torch.randn(N, w["outputs"]) for _ in range(4)]
    ce = nn.CrossEntropyLoss()
    mse = nn.MSELoss()

    def step(i):
        x, y = xs[i % 4], ys[i % 4]
        opt.zero_grad()
        h, _ = net(x)
        if w["head"] == "tokens-per-step":
            loss = ce(net.head(h.reshape(T * N, -1)), y)
        elif w["head"] == "class":
            loss = ce(net.head(h[-1]), y)
        else:
            loss = mse(net.head(h[-1]), y)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()

    for i in range(warmup):
        step(i)
    samples = []
    start = time.perf_counter()
    steps = 0
    if soak:
        samples.append(rss_mib())
        while steps < soak:
            step(steps)
            if steps == soak // 2:
                samples.append(rss_mib())
            steps += 1
        samples.append(rss_mib())
    else:
        while steps < 3 or time.perf_counter() - start < seconds:
            step(steps)
            steps += 1
    elapsed = time.perf_counter() - start
    out = {
        "steps": steps,
        "seconds": elapsed,
        "stepsPerSecond": steps / elapsed,
        "timestepsPerSecond": steps / elapsed * N * T,
    }
    if soak:
        out["soakRssMiB"] = samples
    return out


def sample(w, seconds, warmup):
    net = Net(w).eval()
    gen = torch.Generator().manual_seed(5)
    token = torch.zeros(1, 1, dtype=torch.long)
    state = None
    with torch.no_grad():
        def next_char():
            nonlocal token, state
            h, state = net(token, state)
            probs = torch.softmax(net.head(h[-1]), dim=-1)
            token = torch.multinomial(probs, 1, generator=gen).view(1, 1)

        for _ in range(16 + warmup * 100):
            next_char()
        chars = 0
        start = time.perf_counter()
        while chars < 100 or time.perf_counter() - start < seconds:
            for _ in range(100):
                next_char()
            chars += 100
        elapsed = time.perf_counter() - start
    return {"steps": chars, "seconds": elapsed, "usPerChar": elapsed * 1e6 / chars}


def main():
    w = json.loads(sys.argv[1])
    seconds = float(sys.argv[2])
    warmup = int(sys.argv[3])
    soak = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    result = sample(w, seconds, warmup) if w["sampling"] else train(w, seconds, warmup, soak)
    result.update(
        engine="pytorch",
        detail=f"torch {torch.__version__}, {torch.get_num_threads()} threads",
        workload=w["id"],
        peakRssMiB=peak_mib(),
    )
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
