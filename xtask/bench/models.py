"""Builds the benchmark models of `cargo xtask bench`: real architectures at their real sizes,
random weights with fixed seeds, built with `onnx.helper` on the fixtures' `Graph` builder
(`frontends/onnx/fixtures/generate.py`).

Usage: python models.py OUT_DIR

Writes `OUT_DIR/<name>/model.onnx` and one input set, `OUT_DIR/<name>/test_data_set_0/input_<i>.pb`
(serialized TensorProtos, the ONNX backend test layout), with ONNX Runtime's outputs on it
(`output_<i>.pb`, graph optimizations off) for the models, for:

- `resnet50`: ResNet-50 v1.5 at 224x224 (7x7/2 stem conv + BatchNorm + ReLU, 3x3/2 max pool,
  bottleneck stages [3, 4, 6, 3] of widths 64/128/256/512 x4 expansion, stride on the 3x3 conv,
  1x1 projection shortcuts, global average pool, FC 1000): about 4.1 GMAC, BatchNorm nodes kept
  as a PyTorch export has them.
- `mobilenetv2`: MobileNetV2 1.0 at 224x224: inverted residuals, depthwise 3x3, ReLU6 as Clip.
- `bert_base`: a BERT-base-sized encoder cut to 4 layers (hidden 768, 12 heads, FFN 3072, vocab
  30522), sequence 128, GELU with Erf, LayerNormalization (opset 17).
- `detection`: a UNet/FPN-like detection head at 256x256: a strided conv backbone, ConvTranspose
  and Resize (nearest and linear) upsampling, concatenated skip connections, a sigmoid heatmap
  and a box-regression output.
- `gemm_<n>` for n in 256..4096: one MatMul `Y = A x B`, A an input [n, n], B a constant
  initializer stored as external data in `B.bin` (raw little-endian f32, which numpy reads too).

Every model is batch 1 with static shapes, checked by `onnx.checker` and run once by ONNX Runtime.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import onnxruntime as ort

import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../frontends/onnx/fixtures"))
from generate import OPSET, BertConfig, Graph, bert, write_fixture  # noqa: E402

GEMM_SIZES = (256, 512, 1024, 2048, 4096)


def image(size: int) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, size, size])


def output(name: str, shape: list[int]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def resnet50() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    g = Graph(seed=11)
    x = g.op("Relu", [g.conv_bn("image", 3, 64, 7, stride=2)])
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    channels = 64
    for width, blocks, first_stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for block in range(blocks):
            stride = first_stride if block == 0 else 1
            y = g.op("Relu", [g.conv_bn(x, channels, width, 1)])
            y = g.op("Relu", [g.conv_bn(y, width, width, 3, stride)])
            y = g.conv_bn(y, width, width * 4, 1)
            shortcut = x if block > 0 else g.conv_bn(x, channels, width * 4, 1, stride)
            x = g.op("Relu", [g.op("Add", [y, shortcut])])
            channels = width * 4
    logits = g.classifier(x, channels, 1000)
    model = g.model("resnet50", [image(224)], [output(logits, [1, 1000])])
    return model, {"image": g.rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}


def mobilenetv2() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    g = Graph(seed=12)
    x = g.relu6(g.conv_bn("image", 3, 32, 3, stride=2))
    channels = 32
    # (expansion t, output channels c, repeats n, first stride s), as in the paper's table 2.
    for expansion, c_out, repeats, first_stride in (
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    ):
        for repeat in range(repeats):
            stride = first_stride if repeat == 0 else 1
            hidden = channels * expansion
            y = x if expansion == 1 else g.relu6(g.conv_bn(x, channels, hidden, 1))
            y = g.relu6(g.conv_bn(y, hidden, hidden, 3, stride, group=hidden))
            y = g.conv_bn(y, hidden, c_out, 1)
            x = g.op("Add", [x, y]) if stride == 1 and channels == c_out else y
            channels = c_out
    x = g.relu6(g.conv_bn(x, channels, 1280, 1))
    logits = g.classifier(x, 1280, 1000)
    model = g.model("mobilenetv2", [image(224)], [output(logits, [1, 1000])])
    return model, {"image": g.rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}


def bert_base() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    config = BertConfig(
        vocab=30522, max_positions=512, hidden=768, heads=12, ffn=3072, layers=4, batch=1, seq=128, symbolic=False
    )
    return bert(config, seed=13, name="bert_base")


def detection() -> tuple[onnx.ModelProto, dict[str, np.ndarray]]:
    g = Graph(seed=14)

    def conv_relu(x: str, c_in: int, c_out: int, stride: int = 1) -> str:
        return g.op("Relu", [g.conv_bn(x, c_in, c_out, 3, stride)])

    def conv_transpose(x: str, c_in: int, c_out: int, kernel: int, pads: list[int]) -> str:
        w = g.weight("deconv_w", (c_in, c_out, kernel, kernel), (1.0 / c_in) ** 0.5)
        b = g.weight("deconv_b", (c_out,), 0.1)
        return g.op("Relu", [g.op("ConvTranspose", [x, w, b], kernel_shape=[kernel, kernel], strides=[2, 2], pads=pads)])

    def resize(x: str, mode: str) -> str:
        scales = g.const("resize_scales", np.array([1, 1, 2, 2], np.float32))
        attrs = {"nearest_mode": "floor", "coordinate_transformation_mode": "asymmetric"} if mode == "nearest" else {
            "coordinate_transformation_mode": "half_pixel"
        }
        return g.op("Resize", [x, "", scales], mode=mode, **attrs)

    # Backbone: strides 2, 4, 8, 16 with 32, 64, 128, 256 channels, two convs per stage.
    skips = []
    x, channels = "image", 3
    for width in (32, 64, 128, 256):
        x = conv_relu(conv_relu(x, channels, width, stride=2), width, width)
        skips.append(x)
        channels = width
    c1, c2, c3, c4 = skips
    # Decoder: each step upsamples x2, concatenates the skip of that resolution, and mixes.
    x = conv_transpose(c4, 256, 128, 2, [0, 0, 0, 0])  # stride 8
    x = conv_relu(g.op("Concat", [x, c3], axis=1), 256, 128)
    boxes = g.conv_bn(x, 128, 4, 1)  # box regression at stride 8
    x = resize(x, "nearest")  # stride 4
    x = conv_relu(g.op("Concat", [x, c2], axis=1), 192, 64)
    x = resize(x, "linear")  # stride 2
    x = conv_relu(g.op("Concat", [x, c1], axis=1), 96, 32)
    x = conv_transpose(x, 32, 16, 4, [1, 1, 1, 1])  # full resolution
    heatmap = g.op("Sigmoid", [g.conv_bn(x, 16, 4, 1)])
    model = g.model("detection", [image(256)], [output(heatmap, [1, 4, 256, 256]), output(boxes, [1, 4, 32, 32])])
    return model, {"image": g.rng.standard_normal((1, 3, 256, 256)).astype(np.float32)}


MODELS = {"resnet50": resnet50, "mobilenetv2": mobilenetv2, "bert_base": bert_base, "detection": detection}


def write_gemm(out_dir: str, n: int) -> None:
    """A one-MatMul model with its constant B in `B.bin` beside it, and an input A."""
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n)).astype(np.float32)
    b = rng.standard_normal((n, n)).astype(np.float32) * n**-0.5
    node = helper.make_node("MatMul", ["A", "B"], ["Y"], name="MatMul")
    graph = helper.make_graph(
        [node],
        f"gemm_{n}",
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, n])],
        [numpy_helper.from_array(b, "B")],
    )
    model = helper.make_model_gen_version(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="msc-bench")
    onnx.checker.check_model(model)
    model_dir = os.path.join(out_dir, f"gemm_{n}")
    data_dir = os.path.join(model_dir, "test_data_set_0")
    os.makedirs(data_dir)
    onnx.save(model, os.path.join(model_dir, "model.onnx"), save_as_external_data=True, location="B.bin", size_threshold=0)
    with open(os.path.join(data_dir, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(a, "A").SerializeToString())
    ort.InferenceSession(os.path.join(model_dir, "model.onnx"), providers=["CPUExecutionProvider"])
    print(f"gemm_{n}: B in B.bin ({b.nbytes >> 20} MiB)")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: models.py OUT_DIR")
    for name, build in MODELS.items():
        model, feeds = build()
        write_fixture(sys.argv[1], name, model, feeds)
    for n in GEMM_SIZES:
        write_gemm(sys.argv[1], n)


if __name__ == "__main__":
    main()
