"""Times one peer on one model for `cargo xtask bench`, in a process of its own (so that the
process's CPU time and peak RSS are that peer's), and prints one JSON line: the load time, the
latency of every timed run, the CPU time of the timed runs and the peak RSS. Each peer imports
only what it needs: the RSS includes the Python interpreter and numpy.

usage: peers.py PEER MODEL_DIR INPUT_DIR THREADS WARMUP ITERATIONS BUDGET_S
       peers.py versions

PEER is `onnxruntime` (all graph optimizations, THREADS intra-op threads, one inter-op thread),
`tract` (its optimized plan; tract runs on one thread, THREADS must be 1) or `numpy` (for a GEMM
model: A from the inputs times B read from `MODEL_DIR/B.bin`, on OpenBLAS with the threads its
environment sets). The inputs are INPUT_DIR/input_<i>.npy, in the model's input order.

The timing loop is the one of `xtask/src/bench/worker.rs`: WARMUP untimed runs (stopping early
once they took half the budget), then up to ITERATIONS timed runs, stopping early once at least
MIN_RUNS of them took longer than BUDGET_S seconds.
"""

import json
import pathlib
import resource
import sys
import time

import numpy as np

MIN_RUNS = 3


def cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1e3


def timed(run, warmup, iterations, budget_s):
    start = time.perf_counter()
    for _ in range(warmup):
        run()
        if time.perf_counter() - start > budget_s / 2:
            break
    cpu_start = cpu_ms()
    start = time.perf_counter()
    samples = []
    while len(samples) < max(iterations, 1):
        run_start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - run_start) * 1e3)
        if len(samples) >= MIN_RUNS and time.perf_counter() - start > budget_s:
            break
    return samples, cpu_ms() - cpu_start


def onnxruntime(model_dir, arrays, threads):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
    feed = {i.name: a for i, a in zip(session.get_inputs(), arrays, strict=True)}
    return lambda: session.run(None, feed)


def tract(model_dir, arrays, threads):
    import tract

    if threads != 1:
        sys.exit("tract runs on one thread: THREADS must be 1")
    model = tract.onnx().model_for_path(str(model_dir / "model.onnx")).into_optimized().into_runnable()
    return lambda: model.run(arrays)


def numpy(model_dir, arrays, threads):
    (a,) = arrays
    b = np.fromfile(model_dir / "B.bin", dtype="<f4").reshape(a.shape[1], -1)
    c = np.empty((a.shape[0], b.shape[1]), np.float32)
    return lambda: np.matmul(a, b, out=c)


PEERS = {"onnxruntime": onnxruntime, "tract": tract, "numpy": numpy}


def versions():
    from importlib.metadata import version

    blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
    return {
        "onnxruntime": version("onnxruntime"),
        "tract": version("tract"),
        "numpy": np.__version__,
        "blas": f"{blas['name']} {blas['version']}",
    }


def main():
    if sys.argv[1:] == ["versions"]:
        print(json.dumps(versions()))
        return
    if len(sys.argv) != 8 or sys.argv[1] not in PEERS:
        sys.exit(__doc__)
    model_dir, input_dir = pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    threads, warmup, iterations = (int(a) for a in sys.argv[4:7])
    budget_s = float(sys.argv[7])
    arrays = []
    while (path := input_dir / f"input_{len(arrays)}.npy").exists():
        arrays.append(np.load(path))
    start = time.perf_counter()
    run = PEERS[sys.argv[1]](model_dir, arrays, threads)
    load_ms = (time.perf_counter() - start) * 1e3
    samples, cpu = timed(run, warmup, iterations, budget_s)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"load_ms": load_ms, "samples_ms": samples, "cpu_ms": cpu, "maxrss_kb": maxrss_kb}))


if __name__ == "__main__":
    main()
