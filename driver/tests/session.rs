//! The `Session` API end to end on a tiny ONNX model (`out = relu(x + w)`, `x: [batch, 20]`):
//! JIT from `.onnx`, load from `.ms` under an explicit trust decision, concurrent runs, and
//! typed errors for bad inputs and bad files.

mod common;

use msc::runtime::{Model, Trust};
use msc::{Error, Session, Tensor};

/// `relu(x + w)` computed here, with `w[i] = i - 10`.
fn expected(x: &[f32]) -> Vec<f32> {
    x.iter().enumerate().map(|(i, v)| (v + ((i % 20) as f32 - 10.0)).max(0.0)).collect()
}

fn input(batch: usize, seed: f32) -> Tensor {
    let values: Vec<f32> = (0..batch * 20).map(|i| ((i as f32 * 0.37 + seed).sin()) * 12.0).collect();
    Tensor::from_slice(&[batch, 20], &values).unwrap()
}

#[test]
fn jit_from_onnx_computes_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_model(dir.path(), vec![]);
    let session = Session::builder().threads(2).input_shape("x", &[4, 20]).commit_from_file(&path).unwrap();
    assert_eq!(session.inputs()[0].shape, vec![4, 20]);
    let x = input(4, 0.5);
    let out = session.run(&[("x", &x)]).unwrap();
    assert_eq!(out[0].0, "out");
    assert_eq!(out[0].1.to_vec::<f32>().unwrap(), expected(&x.to_vec::<f32>().unwrap()));
}

#[test]
fn a_symbolic_batch_needs_an_input_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_model(dir.path(), vec![]);
    let err = Session::builder().commit_from_file(&path).err().expect("symbolic dims cannot be compiled");
    assert!(matches!(err, Error::Verify(_)), "{err:?}");
    assert!(err.to_string().contains("--input-shape"), "{err}");
}

#[test]
fn ms_files_load_only_with_a_trust_decision_and_match_the_jit() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_model(dir.path(), vec![]);
    let ms = dir.path().join("tiny.ms");
    common::stdout(&common::msc(&[
        "compile",
        path.to_str().unwrap(),
        "-o",
        ms.to_str().unwrap(),
        "--input-shape",
        "x=2x20",
    ]));
    let err = Session::builder().commit_from_file(&ms).err().expect("no trust given");
    assert!(matches!(err, Error::Usage(_)) && err.to_string().contains("trust"), "{err}");

    let session = Session::builder().trust(Trust::TrustedProducer).commit_from_file(&ms).unwrap();
    let x = input(2, 1.5);
    let out = session.run(&[("x", &x)]).unwrap();
    assert_eq!(out[0].1.to_vec::<f32>().unwrap(), expected(&x.to_vec::<f32>().unwrap()));

    // A pinned hash works; a wrong one is refused.
    let hash = Model::load_file(&ms, Trust::TrustedProducer).unwrap().hash();
    Session::builder().trust(Trust::ExpectedHash(hash)).commit_from_file(&ms).unwrap();
    let err = Session::builder().trust(Trust::ExpectedHash([7; 32])).commit_from_file(&ms).err().unwrap();
    assert!(matches!(err, Error::Load(_)), "{err:?}");

    // A truncated artefact is a load error, not a crash.
    let bytes = std::fs::read(&ms).unwrap();
    std::fs::write(&ms, &bytes[..bytes.len() / 2]).unwrap();
    let err = Session::builder().trust(Trust::TrustedProducer).commit_from_file(&ms).err().unwrap();
    assert!(matches!(err, Error::Load(_)), "{err:?}");
}

#[test]
fn runs_from_many_threads_at_once_match_single_threaded_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_model(dir.path(), vec![]);
    let session = Session::builder().threads(2).input_shape("x", &[64, 20]).commit_from_file(&path).unwrap();
    let inputs: Vec<Tensor> = (0..8).map(|t| input(64, t as f32)).collect();
    let reference: Vec<Vec<f32>> =
        inputs.iter().map(|x| session.run(&[("x", x)]).unwrap()[0].1.to_vec::<f32>().unwrap()).collect();
    for (x, r) in inputs.iter().zip(&reference) {
        assert_eq!(*r, expected(&x.to_vec::<f32>().unwrap()));
    }
    std::thread::scope(|scope| {
        for (x, r) in inputs.iter().zip(&reference) {
            let session = &session;
            scope.spawn(move || {
                for _ in 0..200 {
                    let out = session.run(&[("x", x)]).unwrap();
                    assert_eq!(out[0].1.to_vec::<f32>().unwrap(), *r);
                }
            });
        }
    });
}

#[test]
fn inputs_are_validated_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_model(dir.path(), vec![]);
    let session = Session::builder().input_shape("x", &[4, 20]).commit_from_file(&path).unwrap();
    let wrong_shape = input(3, 0.0);
    let err = session.run(&[("x", &wrong_shape)]).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch(_)), "{err:?}");
    let err = session.run(&[("y", &input(4, 0.0))]).unwrap_err();
    assert!(matches!(err, Error::Run(_)) && err.to_string().contains("unknown input `y`"), "{err}");
    let ints = Tensor::from_slice(&[4, 20], &[1i32; 80]).unwrap();
    let err = session.run(&[("x", &ints)]).unwrap_err();
    assert!(err.to_string().contains("dtype"), "{err}");
}

/// A weight that only feeds a GEMM operand packed at compile time is stored once, packed, not also as it is;
/// the packed copy computes the product.
#[test]
fn a_weight_packed_for_the_gemm_engine_is_stored_once() {
    use msc_onnx::proto::tensor_proto::DataType;
    use msc_onnx::proto::{GraphProto, NodeProto, TensorProto};

    let (k, n) = (64usize, 48usize);
    let w: Vec<f32> = (0..k * n).map(|i| ((i * 7) % 13) as f32 - 6.0).collect();
    let dims = |d: &[i64]| -> Vec<_> {
        d.iter().map(|&v| common::dim(msc_onnx::proto::tensor_shape_proto::dimension::Value::DimValue(v))).collect()
    };
    let graph = GraphProto {
        name: "matmul".into(),
        node: vec![NodeProto {
            op_type: "MatMul".into(),
            name: "matmul_0".into(),
            input: vec!["x".into(), "w".into()],
            output: vec!["y".into()],
            ..Default::default()
        }],
        input: vec![common::value("x", &dims(&[3, k as i64]))],
        output: vec![common::value("y", &dims(&[3, n as i64]))],
        initializer: vec![TensorProto {
            name: "w".into(),
            data_type: DataType::Float as i32,
            dims: vec![k as i64, n as i64],
            raw_data: w.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>().into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = common::save_model(dir.path(), graph, "matmul.onnx");

    let compiled = msc::compile::compile_file(&path, &Default::default(), &mut |_| {}).unwrap();
    let weight_bytes = (4 * k * n) as u64;
    assert!(
        compiled.summary.weights_size < 2 * weight_bytes,
        "{} bytes of weights for one {weight_bytes}-byte matrix",
        compiled.summary.weights_size
    );

    let session = Session::builder().commit_from_file(&path).unwrap();
    let x: Vec<f32> = (0..3 * k).map(|i| ((i * 5) % 11) as f32 - 5.0).collect();
    let out = session.run(&[("x", &Tensor::from_slice(&[3, k], &x).unwrap())]).unwrap();
    let expected: Vec<f32> =
        (0..3 * n).map(|i| (0..k).map(|j| x[(i / n) * k + j] * w[j * n + i % n]).sum::<f32>()).collect();
    assert_eq!(out[0].1.to_vec::<f32>().unwrap(), expected);
}
