//! The committed TensorFlow and MindSpore fixtures (`frontends/{tf,mindir}/fixtures/`) through the
//! whole compiler: each model is JIT-compiled for this host by `Session`, run on its committed
//! inputs, and compared with the framework's own outputs within
//! `|actual - expected| <= 1e-5 + 1e-4 * |expected|` (f32 in both, summed in different orders).
//! The interpreter path is checked by the frontends' own tests.

use msc::Session;
use std::path::{Path, PathBuf};

const RTOL: f32 = 1e-4;
const ATOL: f32 = 1e-5;

fn fixtures(framework: &str) -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontends").join(framework).join("fixtures");
    let mut models: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|dir| dir.is_dir())
        .filter_map(|dir| {
            let model =
                ["model.pb", "model.mindir", "model_graph.mindir"].iter().map(|f| dir.join(f)).find(|p| p.exists())?;
            Some((dir.file_name()?.to_string_lossy().into_owned(), model))
        })
        .collect();
    models.sort();
    models
}

/// The `outputs:` line of a TF fixture's `signature.txt` (the graph outputs TensorFlow was asked
/// for), or `None` when the fixture has none.
fn expected_output_names(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("signature.txt")).ok()?;
    let line = text.lines().find_map(|l| l.strip_prefix("outputs:"))?;
    Some(line.split_whitespace().map(String::from).collect())
}

fn check(framework: &str) {
    let models = fixtures(framework);
    assert!(!models.is_empty(), "no {framework} fixtures");
    for (name, path) in models {
        let dir = path.parent().unwrap();
        let session = Session::builder().threads(2).commit_from_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let inputs: Vec<msc::Tensor> = (0..session.inputs().len())
            .map(|i| msc::npy::read_file(&dir.join(format!("input_{i}.npy"))).unwrap().remove(0).1)
            .collect();
        let named: Vec<(&str, &msc::Tensor)> =
            session.inputs().iter().map(|i| i.name.as_str()).zip(inputs.iter()).collect();
        let outputs = session.run(&named).unwrap_or_else(|e| panic!("{name}: {e}"));
        let order: Vec<usize> = match expected_output_names(dir) {
            Some(names) => names
                .iter()
                .map(|n| outputs.iter().position(|(o, _)| o == n).unwrap_or_else(|| panic!("{name}: no output {n}")))
                .collect(),
            None => (0..outputs.len()).collect(),
        };
        for (i, &o) in order.iter().enumerate() {
            let expected = msc::npy::read_file(&dir.join(format!("output_{i}.npy"))).unwrap().remove(0).1;
            let actual = &outputs[o].1;
            assert_eq!(actual.shape(), expected.shape(), "{name}: output {i} shape");
            let (a, e) = (actual.to_f32_vec(), expected.to_f32_vec());
            match (a, e) {
                (Some(a), Some(e)) if actual.dtype().name().starts_with('f') => {
                    for (k, (x, y)) in a.iter().zip(&e).enumerate() {
                        let ok = (x - y).abs() <= ATOL + RTOL * y.abs() || (x.is_nan() && y.is_nan());
                        assert!(ok, "{name}: output {i} element {k}: msc {x}, {framework} {y}");
                    }
                }
                _ => assert_eq!(actual.as_bytes(), expected.as_bytes(), "{name}: output {i} (exact)"),
            }
        }
    }
}

#[test]
fn tensorflow_fixtures_compiled_match_tensorflow() {
    check("tf");
}

#[test]
fn mindspore_fixtures_compiled_match_mindspore() {
    check("mindir");
}
