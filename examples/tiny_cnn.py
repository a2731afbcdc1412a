"""Writes examples/tiny_cnn.onnx, the model the README's first command compiles: a small image
classifier (conv-bn-relu, a residual block, max pooling, global average pooling, a linear layer,
softmax) on a 1x3x32x32 input, with random weights from a fixed seed.

usage: python examples/tiny_cnn.py   (needs the onnx and numpy packages)
"""
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
weights = []


def weight(name, *shape, scale=0.2):
    weights.append(numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name))
    return name


nodes = [
    helper.make_node("Conv", ["image", weight("w1", 16, 3, 3, 3), weight("b1", 16)], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
    helper.make_node(
        "BatchNormalization",
        ["c1", weight("g1", 16), weight("be1", 16), weight("m1", 16), "v1"],
        ["n1"],
        name="bn1",
    ),
    helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
    helper.make_node("Conv", ["r1", weight("w2", 16, 16, 3, 3, scale=0.1)], ["c2"], name="conv2", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
    helper.make_node("Add", ["r1", "r2"], ["res"], name="residual"),
    helper.make_node("MaxPool", ["res"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("GlobalAveragePool", ["p1"], ["gap"], name="gap"),
    helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
    helper.make_node("Gemm", ["flat", weight("fc_w", 10, 16), weight("fc_b", 10)], ["logits"], name="fc", transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
]
weights.append(numpy_helper.from_array(rng.uniform(0.5, 1.5, 16).astype(np.float32), "v1"))
graph = helper.make_graph(
    nodes,
    "tiny_cnn",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 32, 32])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])],
    initializer=weights,
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=10, producer_name="msc examples")
onnx.checker.check_model(model)
onnx.save(model, pathlib.Path(__file__).with_name("tiny_cnn.onnx"))
