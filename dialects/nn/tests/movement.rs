//! Tests of the data movement ops: inferred types (static, symbolic, and with operands that are not
//! constants), interpreter results against hand-computed values, and every verifier rule.

mod common;

use common::{SingleOp, assert_close, const_f64, const_i64, f32s, i64s, single_op, ty};
use msc_ir::{Builder, Dim, ElementType, OpId, Type, Value};
use msc_nn::ops::*;

/// 0..n as floats.
fn iota(n: usize) -> Vec<f64> {
    (0..n).map(|v| v as f64).collect()
}

/// `op(x, constant)` where the second operand is an i64 constant vector.
fn with_ints(
    x: &str,
    values: &[i64],
    build: impl FnOnce(&mut Builder<'_>, Value, Value) -> Result<OpId, String>,
) -> Result<SingleOp, String> {
    single_op(&[x], |b, a| {
        let c = const_i64(b, &[values.len() as u64], values);
        build(b, a[0], c)
    })
}

/// The dims of a type.
fn dims(t: &Type) -> Vec<Dim> {
    t.as_tensor().unwrap().shape.clone()
}

/// Whether every dim is a symbol, all different and none of `known`.
fn all_fresh(t: &Type, known: &[&str]) -> bool {
    let d = dims(t);
    let names: Vec<&str> = d.iter().filter_map(|d| if let Dim::Symbol(s) = d { Some(&**s) } else { None }).collect();
    let unique: std::collections::HashSet<&&str> = names.iter().collect();
    names.len() == d.len() && unique.len() == d.len() && names.iter().all(|n| !known.contains(n))
}

fn reshape(x: &str, shape: &[i64]) -> Result<SingleOp, String> {
    with_ints(x, shape, |b, x, s| Reshape::new(x, s).build(b))
}

#[test]
fn reshape_infers_shapes() {
    assert_eq!(reshape("2x3x4xf32", &[0, -1]).unwrap().ty(), ty("2x12xf32"));
    assert_eq!(reshape("2x3x4xf32", &[4, 3, 2]).unwrap().ty(), ty("4x3x2xf32"));
    // Copied dims keep their symbol; -1 cancels symbols it shares with the input.
    assert_eq!(reshape("Nx3x4xf32", &[0, -1]).unwrap().ty(), ty("Nx12xf32"));
    assert_eq!(reshape("Nx3x4xf32", &[-1, 12]).unwrap().ty(), ty("Nx12xf32"));
    assert_eq!(reshape("NxSx4xf32", &[0, 0, 2, 2]).unwrap().ty(), ty("NxSx2x2xf32"));
    let f = reshape("Nx3x4xf32", &[6, -1]).unwrap();
    let d = dims(&f.ty());
    assert!(d[0] == Dim::Static(6) && matches!(&d[1], Dim::Symbol(s) if &**s != "N"), "{d:?}");
    f.verify().unwrap();
    // With allowzero a 0 is a zero-sized dim.
    let f = with_ints("0x3xf32", &[3, 0], |b, x, s| Reshape::new(x, s).allowzero(1).build(b)).unwrap();
    assert_eq!(f.ty(), ty("3x0xf32"));
    // A shape that is not a constant: its length gives the rank, every dim is unknown.
    let f = single_op(&["2x3xf32", "3xi64"], |b, a| Reshape::new(a[0], a[1]).build(b)).unwrap();
    assert!(all_fresh(&f.ty(), &[]), "{}", f.ty());
    f.verify().unwrap();
}

#[test]
fn reshape_errors() {
    let err = |x: &str, shape: &[i64]| reshape(x, shape).err().unwrap();
    assert_eq!(err("2x3xf32", &[-1, -1]), "'nn.reshape': shape [-1, -1] holds more than one -1");
    assert_eq!(err("2x3xf32", &[5]), "'nn.reshape': shape [5] cannot hold the elements of [2, 3]");
    assert_eq!(err("2x3xf32", &[4, -1]), "'nn.reshape': shape [4, -1] cannot hold the elements of [2, 3]");
    assert_eq!(err("2x3xf32", &[-2, 3]), "'nn.reshape': shape [-2, 3] holds the invalid size -2");
    assert_eq!(
        err("6xf32", &[0, 0]),
        "'nn.reshape': shape [0, 0] copies dim 1 of the input [6], which has no such axis"
    );
    let err = with_ints("2x3xf32", &[0, -1], |b, x, s| Reshape::new(x, s).allowzero(1).build(b)).err().unwrap();
    assert_eq!(err, "'nn.reshape': with allowzero the shape [0, -1] cannot hold both 0 and -1");
    let err = single_op(&["2x3xf32", "Kxi64"], |b, a| Reshape::new(a[0], a[1]).build(b)).err().unwrap();
    assert_eq!(err, "'nn.reshape': operand `shape` must have a static length: it fixes the result's rank");
    let err = single_op(&["2x3xf32", "2x2xi64"], |b, a| Reshape::new(a[0], a[1]).build(b)).err().unwrap();
    assert_eq!(err, "'nn.reshape': operand `shape` must be 1-D, got shape [2, 2]");
    let f = single_op(&["2x3xf32", "2xi64"], |b, a| Reshape::new(a[0], a[1]).build_with_types(b, vec![ty("6xf32")]))
        .unwrap();
    assert!(f.verify().unwrap_err().starts_with("result #0 has type tensor<6xf32> but its operands imply"));
}

#[test]
fn reshape_flatten_squeeze_unsqueeze_run() {
    let x = f32s(&[2, 3], &iota(6));
    let out = reshape("2x3xf32", &[3, -1]).unwrap().run(std::slice::from_ref(&x)).unwrap();
    assert_eq!(out[0].shape(), [3, 2]);
    assert_close(&out[0], &iota(6));
    let f = single_op(&["2x3xf32"], |b, a| Flatten::new(a[0]).axis(0).build(b)).unwrap();
    assert_eq!(f.run(std::slice::from_ref(&x)).unwrap()[0].shape(), [1, 6]);
    let f = with_ints("1x3x1xf32", &[-1], |b, x, s| Squeeze::new(x).axes(s).build(b)).unwrap();
    assert_eq!(f.run(&[f32s(&[1, 3, 1], &iota(3))]).unwrap()[0].shape(), [1, 3]);
    let f = with_ints("3xf32", &[0, 2], |b, x, s| Unsqueeze::new(x, s).build(b)).unwrap();
    let out = f.run(&[f32s(&[3], &iota(3))]).unwrap();
    assert_eq!(out[0].shape(), [1, 3, 1]);
    assert_close(&out[0], &iota(3));
}

#[test]
fn flatten_infers_shapes() {
    let flatten = |x: &str, axis: i64| single_op(&[x], |b, a| Flatten::new(a[0]).axis(axis).build(b));
    assert_eq!(flatten("2x3x4xf32", 1).unwrap().ty(), ty("2x12xf32"));
    assert_eq!(flatten("2x3x4xf32", 0).unwrap().ty(), ty("1x24xf32"));
    assert_eq!(flatten("2x3x4xf32", 3).unwrap().ty(), ty("24x1xf32"));
    assert_eq!(flatten("2x3x4xf32", -1).unwrap().ty(), ty("6x4xf32"));
    assert_eq!(flatten("Nx3x4xf32", 1).unwrap().ty(), ty("Nx12xf32"));
    assert_eq!(flatten("1xNx4xf32", 2).unwrap().ty(), ty("Nx4xf32"));
    let f = flatten("Nx3x4xf32", 2).unwrap();
    assert!(matches!(&dims(&f.ty())[0], Dim::Symbol(s) if &**s != "N"));
    f.verify().unwrap();
    assert_eq!(flatten("2x3xf32", 3).err().unwrap(), "'nn.flatten': axis 3 is out of range [-2, 2]");
}

#[test]
fn squeeze_and_unsqueeze_infer_shapes() {
    let squeeze = |x: &str, axes: &[i64]| with_ints(x, axes, |b, x, s| Squeeze::new(x).axes(s).build(b));
    assert_eq!(squeeze("1x3x1xf32", &[0]).unwrap().ty(), ty("3x1xf32"));
    assert_eq!(squeeze("Nx1xf32", &[-1]).unwrap().ty(), ty("Nxf32"));
    // A symbolic dim named in axes is taken to be 1.
    assert_eq!(squeeze("Nx3xf32", &[0]).unwrap().ty(), ty("3xf32"));
    assert_eq!(single_op(&["1x3x1xf32"], |b, a| Squeeze::new(a[0]).build(b)).unwrap().ty(), ty("3xf32"));
    let f = single_op(&["1x3x1xf32", "1xi64"], |b, a| Squeeze::new(a[0]).axes(a[1]).build(b)).unwrap();
    assert!(all_fresh(&f.ty(), &[]) && dims(&f.ty()).len() == 2);
    f.verify().unwrap();
    assert_eq!(
        squeeze("1x3xf32", &[1]).err().unwrap(),
        "'nn.squeeze': axis 1 of [1, 3] has size 3; only size-1 axes can be removed"
    );
    assert_eq!(
        squeeze("1x1xf32", &[0, -2]).err().unwrap(),
        "'nn.squeeze': axis -2 is listed more than once in [0, -2]"
    );
    assert_eq!(squeeze("1x1xf32", &[2]).err().unwrap(), "'nn.squeeze': axis 2 is out of range for rank 2");
    assert_eq!(
        single_op(&["1xNxf32"], |b, a| Squeeze::new(a[0]).build(b)).err().unwrap(),
        "'nn.squeeze': without `axes` every dim must be static to tell which are 1, but dim 1 of [1, ?N] is symbolic"
    );

    let unsqueeze = |x: &str, axes: &[i64]| with_ints(x, axes, |b, x, s| Unsqueeze::new(x, s).build(b));
    assert_eq!(unsqueeze("3xf32", &[0, 2]).unwrap().ty(), ty("1x3x1xf32"));
    assert_eq!(unsqueeze("NxCxf32", &[-1, 1]).unwrap().ty(), ty("Nx1xCx1xf32"));
    let f = single_op(&["3xf32", "2xi64"], |b, a| Unsqueeze::new(a[0], a[1]).build(b)).unwrap();
    assert!(all_fresh(&f.ty(), &[]) && dims(&f.ty()).len() == 3);
    f.verify().unwrap();
    assert_eq!(unsqueeze("3xf32", &[0, 0]).err().unwrap(), "'nn.unsqueeze': axis 0 is listed more than once in [0, 0]");
    assert_eq!(unsqueeze("3xf32", &[2]).err().unwrap(), "'nn.unsqueeze': axis 2 is out of range for rank 2");
}

#[test]
fn transpose_infers_and_runs() {
    let f = single_op(&["2x3x4xf32"], |b, a| Transpose::new(a[0]).perm(vec![1, 0, 2]).build(b)).unwrap();
    assert_eq!(f.ty(), ty("3x2x4xf32"));
    f.verify().unwrap();
    assert_eq!(single_op(&["NxCxHxf32"], |b, a| Transpose::new(a[0]).build(b)).unwrap().ty(), ty("HxCxNxf32"));
    let f = single_op(&["2x3xf32"], |b, a| Transpose::new(a[0]).build(b)).unwrap();
    assert_close(
        &f.run(&[f32s(&[2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])]).unwrap()[0],
        &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0],
    );
    let err = single_op(&["2x3xf32"], |b, a| Transpose::new(a[0]).perm(vec![0, 0]).build(b)).err().unwrap();
    assert_eq!(err, "'nn.transpose': perm [0, 0] is not a permutation of the 2 axes of [2, 3]");
    let err = single_op(&["2x3xf32"], |b, a| Transpose::new(a[0]).perm(vec![0, 1, 2]).build(b)).err().unwrap();
    assert_eq!(err, "'nn.transpose': perm [0, 1, 2] is not a permutation of the 2 axes of [2, 3]");
}

#[test]
fn concat_infers_and_runs() {
    let concat =
        |inputs: &[&str], axis: i64| single_op(inputs, |b, a| Concat::new().inputs(a.to_vec()).axis(axis).build(b));
    assert_eq!(concat(&["2x3xf32", "2x5xf32"], 1).unwrap().ty(), ty("2x8xf32"));
    assert_eq!(concat(&["Nx3xf32", "Nx5xf32", "2x1xf32"], -1).unwrap().ty(), ty("2x9xf32"));
    assert_eq!(concat(&["Nx3xf32", "0x3xf32"], 0).unwrap().ty(), ty("Nx3xf32"));
    let f = concat(&["Nx3xf32", "2x3xf32"], 0).unwrap();
    assert!(matches!(&dims(&f.ty())[0], Dim::Symbol(s) if &**s != "N"));
    f.verify().unwrap();
    let f = concat(&["1x2xf32", "1x1xf32"], 1).unwrap();
    let out = f.run(&[f32s(&[1, 2], &[1.0, 2.0]), f32s(&[1, 1], &[3.0])]).unwrap();
    assert_close(&out[0], &[1.0, 2.0, 3.0]);
    assert_eq!(
        concat(&["2x3xf32", "3x3xf32"], 1).err().unwrap(),
        "'nn.concat': input 1 has shape [3, 3] but input 0 has [2, 3]; they may differ only on axis 1"
    );
    assert_eq!(
        concat(&["2x3xf32", "3xf32"], 0).err().unwrap(),
        "'nn.concat': input 1 has shape [3] but input 0 has [2, 3]; they may differ only on axis 0"
    );
    assert_eq!(
        concat(&["2xf32", "2xf16"], 0).err().unwrap(),
        "'nn.concat': operands have different element types f32 and f16"
    );
    assert_eq!(concat(&[], 0).err().unwrap(), "'nn.concat': needs at least one input");
    assert_eq!(concat(&["2xf32"], 1).err().unwrap(), "'nn.concat': axis 1 is out of range for rank 1");
}

#[test]
fn split_infers_and_runs() {
    let by_count = |x: &str, n: i64| single_op(&[x], |b, a| Split::new(a[0]).num_outputs(n).build(b));
    assert_eq!(by_count("4x3xf32", 2).unwrap().types(), vec![ty("2x3xf32"), ty("2x3xf32")]);
    assert_eq!(by_count("5xf32", 2).unwrap().types(), vec![ty("3xf32"), ty("2xf32")]);
    let f = by_count("Nx3xf32", 2).unwrap();
    let types = f.types();
    assert!(types.iter().all(|t| matches!(&dims(t)[0], Dim::Symbol(s) if &**s != "N")));
    f.verify().unwrap();
    let f = with_ints("4x3xf32", &[1, 3], |b, x, s| Split::new(x).split(s).build(b)).unwrap();
    assert_eq!(f.types(), vec![ty("1x3xf32"), ty("3x3xf32")]);
    f.verify().unwrap();
    let f = with_ints("2x4xf32", &[3, 1], |b, x, s| Split::new(x).split(s).axis(-1).build(b)).unwrap();
    assert_eq!(f.types(), vec![ty("2x3xf32"), ty("2x1xf32")]);
    // A split operand that is not a constant: one unknown size per value.
    let f = single_op(&["6xf32", "3xi64"], |b, a| Split::new(a[0]).split(a[1]).build(b)).unwrap();
    assert_eq!(f.types().len(), 3);
    let out = by_count("5xf32", 2).unwrap().run(&[f32s(&[5], &iota(5))]).unwrap();
    assert_close(&out[0], &[0.0, 1.0, 2.0]);
    assert_close(&out[1], &[3.0, 4.0]);
    let out = with_ints("5xf32", &[1, 4], |b, x, s| Split::new(x).split(s).build(b))
        .unwrap()
        .run(&[f32s(&[5], &iota(5))])
        .unwrap();
    assert_close(&out[1], &[1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn split_errors() {
    let err = with_ints("4xf32", &[1, 2], |b, x, s| Split::new(x).split(s).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': split sizes [1, 2] do not add up to 4, the size of the split axis");
    let err = with_ints("4xf32", &[5, -1], |b, x, s| Split::new(x).split(s).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': split sizes [5, -1] hold the negative size -1");
    let err = with_ints("4xf32", &[2, 2], |b, x, s| Split::new(x).split(s).num_outputs(2).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': give a `split` operand or `num_outputs`, not both");
    let err = single_op(&["4xf32"], |b, a| Split::new(a[0]).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': needs a `split` operand or `num_outputs`");
    let err = single_op(&["4xf32"], |b, a| Split::new(a[0]).num_outputs(0).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': attribute `num_outputs` must be at least 1, got 0");
    let err = single_op(&["2xf32"], |b, a| Split::new(a[0]).num_outputs(4).build(b)).err().unwrap();
    assert_eq!(err, "'nn.split': an axis of size 2 cannot be cut into 4 pieces of 1 with a smaller last one");
    // The number of results must match too.
    let f =
        single_op(&["4xf32"], |b, a| Split::new(a[0]).num_outputs(2).build_with_types(b, vec![ty("4xf32")])).unwrap();
    assert_eq!(f.verify(), Err("has 1 results but its operands imply 2".into()));
}

/// `nn.slice` of `x` with constant starts, ends and (when given) axes and steps.
fn slice(
    x: &str,
    starts: &[i64],
    ends: &[i64],
    axes: Option<&[i64]>,
    steps: Option<&[i64]>,
) -> Result<SingleOp, String> {
    single_op(&[x], |b, a| {
        let constant = |b: &mut Builder<'_>, v: &[i64]| const_i64(b, &[v.len() as u64], v);
        let op = Slice::new(a[0], constant(b, starts), constant(b, ends));
        let op = if let Some(axes) = axes { op.axes(constant(b, axes)) } else { op };
        let op = if let Some(steps) = steps { op.steps(constant(b, steps)) } else { op };
        op.build(b)
    })
}

#[test]
fn slice_infers_shapes() {
    assert_eq!(slice("10xf32", &[2], &[6], None, None).unwrap().ty(), ty("4xf32"));
    assert_eq!(slice("10xf32", &[1], &[8], None, Some(&[3])).unwrap().ty(), ty("3xf32"));
    assert_eq!(slice("10xf32", &[-1], &[i64::MIN], None, Some(&[-1])).unwrap().ty(), ty("10xf32"));
    assert_eq!(slice("10xf32", &[-3], &[100], None, None).unwrap().ty(), ty("3xf32"));
    assert_eq!(slice("10xf32", &[5], &[2], None, None).unwrap().ty(), ty("0xf32"));
    assert_eq!(slice("2x10xf32", &[0], &[4], Some(&[-1]), None).unwrap().ty(), ty("2x4xf32"));
    // Symbolic axes: a whole-axis slice keeps the symbol, others are unknown.
    assert_eq!(slice("Nx10xf32", &[0, 1], &[i64::MAX, 3], None, None).unwrap().ty(), ty("Nx2xf32"));
    assert_eq!(slice("Nxf32", &[-1], &[i64::MIN], None, Some(&[-1])).unwrap().ty(), ty("Nxf32"));
    let f = slice("Nx10xf32", &[1], &[3], None, None).unwrap();
    assert!(matches!(&dims(&f.ty())[0], Dim::Symbol(s) if &**s != "N"));
    f.verify().unwrap();
    // Starts that are not constants: the sliced axes become unknown; unknown axes make every axis so.
    let f = single_op(&["4x5xf32", "1xi64"], |b, a| {
        let (ends, axes) = (const_i64(b, &[1], &[3]), const_i64(b, &[1], &[1]));
        Slice::new(a[0], a[1], ends).axes(axes).build(b)
    })
    .unwrap();
    assert_eq!(dims(&f.ty())[0], Dim::Static(4));
    assert!(dims(&f.ty())[1].as_static().is_none());
    let f = single_op(&["4x5xf32", "1xi64"], |b, a| {
        let (starts, ends) = (const_i64(b, &[1], &[0]), const_i64(b, &[1], &[3]));
        Slice::new(a[0], starts, ends).axes(a[1]).build(b)
    })
    .unwrap();
    assert!(all_fresh(&f.ty(), &[]));
    f.verify().unwrap();
}

#[test]
fn slice_runs_and_rejects() {
    let f = slice("10xf32", &[1], &[8], None, Some(&[3])).unwrap();
    assert_close(&f.run(&[f32s(&[10], &iota(10))]).unwrap()[0], &[1.0, 4.0, 7.0]);
    let f = slice("4xf32", &[-1], &[i64::MIN], None, Some(&[-1])).unwrap();
    assert_close(&f.run(&[f32s(&[4], &iota(4))]).unwrap()[0], &[3.0, 2.0, 1.0, 0.0]);
    assert_eq!(slice("4xf32", &[0], &[4], None, Some(&[0])).err().unwrap(), "'nn.slice': steps [0] contain 0");
    assert_eq!(
        slice("4x4xf32", &[0, 0], &[4], None, None).err().unwrap(),
        "'nn.slice': operands `starts` and `ends` have 2 and 1 values; each needs one per sliced axis"
    );
    assert_eq!(
        slice("4xf32", &[0, 0], &[4, 4], None, None).err().unwrap(),
        "'nn.slice': operand `starts` has 2 values, one per sliced axis, but the input has rank 1"
    );
    assert_eq!(
        slice("4x4xf32", &[0, 0], &[4, 4], Some(&[1, 1]), None).err().unwrap(),
        "'nn.slice': axis 1 is listed more than once in [1, 1]"
    );
    // starts, ends, axes and steps share one index type.
    let f = single_op(&["4xf32"], |b, a| {
        let starts = const_f64(b, &[1], ElementType::I32, &[0.0]);
        let ends = const_i64(b, &[1], &[2]);
        Slice::new(a[0], starts, ends).build(b)
    })
    .unwrap();
    assert_eq!(
        f.verify(),
        Err("starts, ends, axes and steps: operands have different element types i32 and i64".into())
    );
}

/// `nn.pad` of `x` by constant `pads`, with the attributes `attrs` sets.
fn pad(x: &str, pads: &[i64], attrs: impl FnOnce(Pad) -> Pad) -> Result<SingleOp, String> {
    with_ints(x, pads, |b, x, p| attrs(Pad::new(x, p)).build(b))
}

#[test]
fn pad_infers_shapes() {
    assert_eq!(pad("2x3xf32", &[1, 1, 1, 1], |p| p).unwrap().ty(), ty("4x5xf32"));
    assert_eq!(pad("2x3xf32", &[0, -1, 0, 0], |p| p).unwrap().ty(), ty("2x2xf32"));
    assert_eq!(pad("Nx3xf32", &[0, 2, 0, 1], |p| p).unwrap().ty(), ty("Nx6xf32"));
    let f = single_op(&["2x3xf32"], |b, a| {
        let (pads, axes) = (const_i64(b, &[2], &[2, 0]), const_i64(b, &[1], &[-1]));
        Pad::new(a[0], pads).axes(axes).build(b)
    })
    .unwrap();
    assert_eq!(f.ty(), ty("2x5xf32"));
    f.verify().unwrap();
    // Pads that are not constants make the padded axes unknown.
    let f = single_op(&["2x3xf32", "4xi64"], |b, a| Pad::new(a[0], a[1]).build(b)).unwrap();
    assert!(all_fresh(&f.ty(), &[]));
    f.verify().unwrap();
    assert_eq!(
        pad("2x3xf32", &[0, -4, 0, 0], |p| p).err().unwrap(),
        "'nn.pad': pads -4 and 0 crop more than the 3 cells of axis 1"
    );
    assert_eq!(
        pad("2x3xf32", &[1, 1], |p| p).err().unwrap(),
        "'nn.pad': operand `pads` has 2 values; expected 4, a begin and an end for each of 2 axes"
    );
}

#[test]
fn pad_runs_every_mode() {
    let cases = [
        ("reflect", [3.0, 2.0, 1.0, 2.0, 3.0, 2.0]),
        ("edge", [1.0, 1.0, 1.0, 2.0, 3.0, 3.0]),
        ("wrap", [2.0, 3.0, 1.0, 2.0, 3.0, 1.0]),
    ];
    for (mode, expected) in cases {
        let f = pad("3xf32", &[2, 1], |p| p.mode(mode)).unwrap();
        f.verify().unwrap();
        assert_close(&f.run(&[f32s(&[3], &[1.0, 2.0, 3.0])]).unwrap()[0], &expected);
    }
    let f = single_op(&["2xf32"], |b, a| {
        let (pads, value) = (const_i64(b, &[2], &[1, 1]), const_f64(b, &[], ElementType::F32, &[9.0]));
        Pad::new(a[0], pads).constant_value(value).build(b)
    })
    .unwrap();
    f.verify().unwrap();
    assert_close(&f.run(&[f32s(&[2], &[1.0, 2.0])]).unwrap()[0], &[9.0, 1.0, 2.0, 9.0]);
}

#[test]
fn pad_verifier_rules() {
    let f = pad("3xf32", &[1, 1], |p| p.mode("mirror")).unwrap();
    assert!(f.verify().unwrap_err().starts_with("unknown pad mode \"mirror\""));
    let with_value = |value_type: ElementType, shape: &[u64]| {
        single_op(&["2xf32"], |b, a| {
            let n = shape.iter().product::<u64>() as usize;
            let (pads, value) = (const_i64(b, &[2], &[1, 1]), const_f64(b, shape, value_type, &vec![0.0; n]));
            Pad::new(a[0], pads).constant_value(value).build(b)
        })
        .unwrap()
        .verify()
    };
    assert_eq!(with_value(ElementType::F16, &[]), Err("operands have different element types f32 and f16".into()));
    assert_eq!(
        with_value(ElementType::F32, &[2]),
        Err("operand `constant_value` must hold one value, got shape [2]".into())
    );
    with_value(ElementType::F32, &[1]).unwrap();
}

#[test]
fn tile_and_expand() {
    let tile = |x: &str, repeats: &[i64]| with_ints(x, repeats, |b, x, r| Tile::new(x, r).build(b));
    assert_eq!(tile("2x3xf32", &[2, 1]).unwrap().ty(), ty("4x3xf32"));
    assert_eq!(tile("Nx3xf32", &[1, 2]).unwrap().ty(), ty("Nx6xf32"));
    assert_eq!(tile("Nx3xf32", &[0, 1]).unwrap().ty(), ty("0x3xf32"));
    let f = tile("Nx3xf32", &[2, 1]).unwrap();
    assert!(matches!(&dims(&f.ty())[0], Dim::Symbol(s) if &**s != "N"));
    f.verify().unwrap();
    assert_close(
        &tile("2xf32", &[3]).unwrap().run(&[f32s(&[2], &[1.0, 2.0])]).unwrap()[0],
        &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
    );
    assert_eq!(tile("2xf32", &[-1]).err().unwrap(), "'nn.tile': repeats [-1] hold the negative count -1");
    assert_eq!(
        tile("2xf32", &[1, 1]).err().unwrap(),
        "'nn.tile': operand `repeats` has 2 values but the input has rank 1"
    );

    let expand = |x: &str, shape: &[i64]| with_ints(x, shape, |b, x, s| Expand::new(x, s).build(b));
    assert_eq!(expand("3x1xf32", &[2, 1, 4]).unwrap().ty(), ty("2x3x4xf32"));
    assert_eq!(expand("Nx1xf32", &[1, 4]).unwrap().ty(), ty("Nx4xf32"));
    assert_eq!(expand("3xf32", &[1]).unwrap().ty(), ty("3xf32"));
    let f = single_op(&["3x1xf32", "3xi64"], |b, a| Expand::new(a[0], a[1]).build(b)).unwrap();
    let d = dims(&f.ty());
    assert!(d[0].as_static().is_none() && d[1] == Dim::Static(3) && d[2].as_static().is_none(), "{d:?}");
    f.verify().unwrap();
    let out = expand("3x1xf32", &[3, 2]).unwrap().run(&[f32s(&[3, 1], &[1.0, 2.0, 3.0])]).unwrap();
    assert_close(&out[0], &[1.0, 1.0, 2.0, 2.0, 3.0, 3.0]);
    let err = expand("3xf32", &[2]).err().unwrap();
    assert!(err.contains("cannot be broadcast"), "{err}");
    assert_eq!(expand("3xf32", &[-3]).err().unwrap(), "'nn.expand': shape [-3] holds the negative size -3");
}

#[test]
fn depth_to_space_and_back() {
    let d2s = |x: &str, b: i64, mode: &str| {
        single_op(&[x], |bld, a| DepthToSpace::new(a[0]).blocksize(b).mode(mode).build(bld))
    };
    assert_eq!(d2s("1x8x2x3xf32", 2, "DCR").unwrap().ty(), ty("1x2x4x6xf32"));
    let f = d2s("Nx8xHx3xf32", 2, "CRD").unwrap();
    let d = dims(&f.ty());
    assert_eq!((&d[0], &d[1], &d[3]), (&Dim::symbol("N"), &Dim::Static(2), &Dim::Static(6)));
    assert!(matches!(&d[2], Dim::Symbol(s) if &**s != "H"));
    f.verify().unwrap();
    // Channel c of the output's block (by, bx) is input channel (by * 2 + bx) * 2 + c in DCR order
    // and (c * 2 + by) * 2 + bx in CRD order.
    let x = f32s(&[1, 8, 1, 1], &iota(8));
    let out = d2s("1x8x1x1xf32", 2, "DCR").unwrap().run(std::slice::from_ref(&x)).unwrap();
    assert_close(&out[0], &[0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]);
    let out = d2s("1x8x1x1xf32", 2, "CRD").unwrap().run(std::slice::from_ref(&x)).unwrap();
    assert_close(&out[0], &iota(8));
    assert_eq!(
        d2s("1x6x1x1xf32", 2, "DCR").err().unwrap(),
        "'nn.depth_to_space': the channel count (6) is not divisible by 4"
    );
    assert_eq!(
        d2s("1x4x1x1xf32", 0, "DCR").err().unwrap(),
        "'nn.depth_to_space': attribute `blocksize` must be at least 1, got 0"
    );
    assert_eq!(
        d2s("4x1x1xf32", 1, "DCR").err().unwrap(),
        "'nn.depth_to_space': the input must be N x C x H x W, got shape [4, 1, 1]"
    );
    assert!(
        d2s("1x4x1x1xf32", 2, "RDC").unwrap().verify().unwrap_err().starts_with("unknown depth_to_space mode \"RDC\"")
    );

    let s2d = |x: &str, b: i64| single_op(&[x], |bld, a| SpaceToDepth::new(a[0]).blocksize(b).build(bld));
    let f = s2d("1x2x2x2xf32", 2).unwrap();
    assert_eq!(f.ty(), ty("1x8x1x1xf32"));
    f.verify().unwrap();
    let out = f.run(&[f32s(&[1, 2, 2, 2], &[0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0])]).unwrap();
    assert_close(&out[0], &iota(8));
    assert_eq!(s2d("Nx2x4x6xf32", 2).unwrap().ty(), ty("Nx8x2x3xf32"));
    assert_eq!(s2d("1x2x3x4xf32", 2).err().unwrap(), "'nn.space_to_depth': the height (3) is not divisible by 2");
}

#[test]
fn identity_passes_through() {
    let f = single_op(&["Nx3xi64"], |b, a| Identity::new(a[0]).build(b)).unwrap();
    assert_eq!(f.ty(), ty("Nx3xi64"));
    f.verify().unwrap();
    assert_eq!(f.run(&[i64s(&[1, 3], &[1, 2, 3])]).unwrap()[0].to_i64(), [1, 2, 3]);
    let f = single_op(&["3xi64"], |b, a| Identity::new(a[0]).build_with_types(b, vec![ty("3xi32")])).unwrap();
    assert_eq!(f.verify(), Err("result #0 has type tensor<3xi32> but its operands imply tensor<3xi64>".into()));
}

#[test]
fn shape_operands_are_the_operands_whose_values_decide_the_shape() {
    let reshape = single_op(&["2x3xf32", "2xi64"], |b, a| Reshape::new(a[0], a[1]).build(b)).unwrap();
    let args = reshape.ctx.block_args(msc_builtin::body(&reshape.ctx, reshape.func)).to_vec();
    assert_eq!(reshape.ctx.op(reshape.op).shape_operands(), vec![args[1]], "the target, not the data");
    let slice = single_op(&["4x5xf32", "1xi64", "1xi64"], |b, a| Slice::new(a[0], a[1], a[2]).build(b)).unwrap();
    let args = slice.ctx.block_args(msc_builtin::body(&slice.ctx, slice.func)).to_vec();
    assert_eq!(slice.ctx.op(slice.op).shape_operands(), args[1..].to_vec());
    let relu = single_op(&["2x3xf32"], |b, a| Relu::new(a[0]).build(b)).unwrap();
    assert!(relu.ctx.op(relu.op).shape_operands().is_empty());
}
