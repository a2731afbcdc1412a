//! Tests of running models: hand-assembled x86_64 kernels over inputs, outputs, weights and the arena, with
//! one and several threads, concurrent callers, profiling, and input validation.

mod common;

use common::{COUNTERS, N, artefact, session};
use msc_runtime::{DType, Model, RunError, Session, Tensor, Trust};

fn input(seed: f32) -> Tensor {
    let x: Vec<f32> = (0..N).map(|i| seed + i as f32 * 0.25).collect();
    Tensor::from_slice(&[N], &x).unwrap()
}

/// Runs the fixture and checks every output against what its kernels compute.
#[cfg(all(target_arch = "x86_64", unix))]
fn check(session: &Session, seed: f32) -> Vec<(String, Tensor)> {
    let outputs = session.run(&[("x", &input(seed))]).unwrap();
    let names: Vec<&str> = outputs.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["y", "prefix", "counts"]);

    let (_, y) = &outputs[0];
    assert_eq!((y.dtype(), y.shape()), (DType::F32, &[N][..]));
    let expected: Vec<f32> = (0..N).map(|i| seed + i as f32 * 0.25 + i as f32 / 2.0 + 1.0).collect();
    assert_eq!(y.to_vec::<f32>().unwrap(), expected);

    let (_, prefix) = &outputs[1];
    assert_eq!((prefix.dtype(), prefix.shape()), (DType::U8, &[10, 16][..]));
    assert_eq!(prefix.as_bytes(), &common::weights()[..160]);

    let (_, counts) = &outputs[2];
    assert_eq!(counts.as_bytes(), [1; COUNTERS], "every tile of the count step ran exactly once");
    for (_, tensor) in &outputs {
        assert_eq!(tensor.as_bytes().as_ptr() as usize % 64, 0);
    }
    outputs
}

#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn models_run_on_one_and_many_threads() {
    let a = artefact();
    let single = session(&a, 1);
    assert_eq!(single.threads(), 1);
    let reference = check(&single, 3.0);
    for threads in [2, 3, 4, 7, 0] {
        let session = session(&a, threads);
        // Run twice: the second run reuses the first run's arena as the first run left it.
        for _ in 0..2 {
            assert_eq!(check(&session, 3.0), reference, "{threads} threads");
        }
    }
}

#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn memory_mapped_models_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.ms");
    std::fs::write(&path, artefact().to_bytes()).unwrap();
    let model = Model::load_file(&path, Trust::TrustedProducer).unwrap();
    check(&Session::new(model, 4).unwrap().with_parallel_threshold(0), -1.5);
}

#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn concurrent_runs_match_a_single_threaded_run() {
    let a = artefact();
    let single = session(&a, 1);
    let shared = session(&a, 4);
    let seeds: Vec<f32> = (0..8).map(|t| t as f32 * 10.0).collect();
    let references: Vec<_> = seeds.iter().map(|&seed| single.run(&[("x", &input(seed))]).unwrap()).collect();
    std::thread::scope(|scope| {
        for (seed, reference) in seeds.iter().zip(&references) {
            let shared = &shared;
            scope.spawn(move || {
                let x = input(*seed);
                for _ in 0..100 {
                    assert_eq!(&shared.run(&[("x", &x)]).unwrap(), reference);
                }
            });
        }
    });
}

#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn profiles_list_every_step_in_order() {
    let session = session(&artefact(), 3);
    let (outputs, timings) = session.run_profiled(&[("x", &input(0.0))]).unwrap();
    assert_eq!(outputs.len(), 3);
    assert_eq!(timings.iter().map(|t| t.step).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
    assert!(timings.windows(2).all(|w| w[0].start_ns <= w[1].start_ns));
    let names: Vec<&str> = session.model().steps().map(|s| s.name).collect();
    assert_eq!(names[timings[4].step], "onnx:count");
}

#[test]
fn models_without_steps_return_zeroed_outputs() {
    let mut a = artefact();
    a.plan.steps.clear();
    let session = session(&a, 2);
    let outputs = session.run(&[("x", &input(1.0))]).unwrap();
    assert!(outputs.iter().all(|(_, t)| t.as_bytes().iter().all(|&b| b == 0)));
}

#[test]
fn sessions_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Session>();
    assert_send_sync::<Model>();
    assert_send_sync::<Tensor>();
}

#[test]
fn inputs_are_validated_before_running() {
    let session = session(&artefact(), 2);
    let x = input(0.0);
    let message = |inputs: &[(&str, &Tensor)]| session.run(inputs).err().unwrap().to_string();

    assert!(matches!(session.run(&[]), Err(RunError::MissingInput { name }) if name == "x"));
    assert_eq!(message(&[]), "missing input `x`");
    assert_eq!(message(&[("x", &x), ("z", &x)]), "unknown input `z`; the model's inputs are: x");
    assert_eq!(message(&[("x", &x), ("x", &x)]), "input `x` is given more than once");

    let ints = Tensor::from_slice(&[N], &[0i32; N]).unwrap();
    assert!(matches!(
        session.run(&[("x", &ints)]),
        Err(RunError::DtypeMismatch { expected: DType::F32, found: DType::I32, .. })
    ));
    assert_eq!(message(&[("x", &ints)]), "input `x`: expected dtype f32, found i32");

    let wide = Tensor::zeros(DType::F32, &[1, N]).unwrap();
    assert_eq!(message(&[("x", &wide)]), "input `x`: expected shape [37], found [1, 37]");
    let short = Tensor::zeros(DType::F32, &[N - 1]).unwrap();
    assert!(matches!(session.run(&[("x", &short)]), Err(RunError::ShapeMismatch { .. })));
}

/// Poisoned buffers change nothing for steps that write what they read, and expose a step that reads arena
/// bytes no step of the run wrote: without the step zeroing them, the counters start at 0xFF and wrap to 0.
#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn poisoned_buffers_expose_reads_of_unwritten_arena_bytes() {
    check(&session(&artefact(), 2).with_poisoned_buffers(), 3.0);
    let mut a = artefact();
    a.plan.steps.retain(|s| s.name != "onnx:zero_counts");
    let outputs = session(&a, 2).with_poisoned_buffers().run(&[("x", &input(3.0))]).unwrap();
    assert_eq!(outputs[2].1.as_bytes(), [0; COUNTERS]);
}
