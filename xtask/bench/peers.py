"""Times the peers on one model, for `cargo xtask bench`: ONNX Runtime (all graph optimizations,
N intra-op threads) and tract (its optimized plan; tract runs on one thread), on the inputs of the
model's test_data_set_0, after a warm-up. Prints one JSON object per peer: its name, the thread
count it actually used, and the latencies of every timed run in milliseconds.

usage: peers.py MODEL_DIR THREADS WARMUP ITERATIONS
"""
import json
import pathlib
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort
import tract


def inputs(model_dir):
    data = sorted((model_dir / "test_data_set_0").glob("input_*.pb"), key=lambda p: int(p.stem.split("_")[1]))
    arrays = []
    for path in data:
        tensor = onnx.TensorProto()
        tensor.ParseFromString(path.read_bytes())
        arrays.append(onnx.numpy_helper.to_array(tensor))
    return arrays


def timed(run, warmup, iterations):
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def main():
    model_dir = pathlib.Path(sys.argv[1])
    threads, warmup, iterations = (int(a) for a in sys.argv[2:5])
    path = str(model_dir / "model.onnx")
    arrays = inputs(model_dir)

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    start = time.perf_counter()
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    load_ms = (time.perf_counter() - start) * 1e3
    feed = {i.name: a for i, a in zip(session.get_inputs(), arrays)}
    samples = timed(lambda: session.run(None, feed), warmup, iterations)
    print(json.dumps({"peer": "onnxruntime", "threads": threads, "load_ms": load_ms, "samples_ms": samples}))

    start = time.perf_counter()
    model = tract.onnx().model_for_path(path).into_optimized().into_runnable()
    load_ms = (time.perf_counter() - start) * 1e3
    samples = timed(lambda: model.run(arrays), warmup, iterations)
    print(json.dumps({"peer": "tract", "threads": 1, "load_ms": load_ms, "samples_ms": samples}))


if __name__ == "__main__":
    main()
