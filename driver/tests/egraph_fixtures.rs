//! The e-graph optimizer on the committed TensorFlow and MindSpore fixture models: each model is
//! imported and cleaned up as `msc compile` does, run by the `nn` reference interpreter on its
//! committed inputs before and after `nn-egraph-optimize` (all rules, then fold-constants, cse,
//! dce), and the outputs must agree within `|after - before| <= 1e-5 + 1e-4 * |before|` while the
//! op count must not grow (and must drop for at least one model).

use msc::compile::NN_PIPELINE;
use msc_ir::pass::{Instrumentation, PassManager};
use std::path::{Path, PathBuf};

const RTOL: f64 = 1e-4;
const ATOL: f64 = 1e-5;

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut models = Vec::new();
    for framework in ["tf", "mindir"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontends").join(framework).join("fixtures");
        for dir in std::fs::read_dir(&root).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|d| d.is_dir()) {
            let model =
                ["model.pb", "model.mindir", "model_graph.mindir"].iter().map(|f| dir.join(f)).find(|p| p.exists());
            if let Some(model) = model {
                models.push((format!("{framework}/{}", dir.file_name().unwrap().to_string_lossy()), model));
            }
        }
    }
    models.sort();
    models
}

fn run(ctx: &msc_ir::Context, func: msc_ir::OpId, inputs: &[msc_nn_kernels::Tensor]) -> Vec<Vec<f64>> {
    msc_nn::interp::run_function(ctx, func, inputs).unwrap().iter().map(|t| t.to_f64()).collect()
}

fn ops(ctx: &msc_ir::Context, func: msc_ir::OpId) -> usize {
    ctx.walk(func, msc_ir::WalkOrder::Pre).into_iter().filter(|&op| ctx.op(op).name() != "nn.constant").count() - 2
}

#[test]
fn the_optimizer_keeps_every_fixture_model_computing_the_same_outputs() {
    let models = fixtures();
    assert!(models.len() >= 2, "no fixtures found");
    let mut decreased = 0;
    for (name, path) in models {
        let dir = path.parent().unwrap();
        let framework = msc::formats::detect(&path, None).unwrap();
        let mut model =
            msc::formats::import(&path, framework, Vec::new(), &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let pipeline = |text: &str| PassManager::parse(&msc::passes(), text, Instrumentation::default()).unwrap();
        pipeline(NN_PIPELINE).run(&mut model.ctx, model.module, &mut std::io::sink()).unwrap();
        let func = model.ctx.block_ops(msc_builtin::body(&model.ctx, model.module)).next().unwrap();
        let inputs: Vec<msc_nn_kernels::Tensor> = (0..model.input_names.len())
            .map(|i| {
                msc::formats::host_tensor(
                    &msc::npy::read_file(&dir.join(format!("input_{i}.npy"))).unwrap().remove(0).1,
                )
                .unwrap()
            })
            .collect();
        let before = run(&model.ctx, func, &inputs);
        let ops_before = ops(&model.ctx, func);
        let optimize = "builtin.module(nn-egraph-optimize{target=x86_64}, fold-constants, cse, dce)";
        pipeline(optimize)
            .run(&mut model.ctx, model.module, &mut std::io::sink())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let func = model.ctx.block_ops(msc_builtin::body(&model.ctx, model.module)).next().unwrap();
        let after = run(&model.ctx, func, &inputs);
        let ops_after = ops(&model.ctx, func);
        println!("{name:<40} ops {ops_before:>4} -> {ops_after:>4}");
        for (b, a) in before.iter().zip(&after) {
            for (x, y) in b.iter().zip(a) {
                assert!((x - y).abs() <= ATOL + RTOL * x.abs(), "{name}: {x} became {y}");
            }
        }
        assert!(ops_after <= ops_before, "{name}: {ops_before} ops became {ops_after}");
        decreased += (ops_after < ops_before) as usize;
    }
    assert!(decreased > 0, "the optimizer reduced no fixture model");
}
