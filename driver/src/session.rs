//! [`Session`]: load a `.ms` artefact or JIT-compile a model in process, then run it by input name.
//!
//! ```no_run
//! use msc::{Session, Tensor};
//! # fn main() -> Result<(), msc::Error> {
//! let session = Session::builder().threads(2).commit_from_file("model.onnx")?; // JIT
//! let x = Tensor::from_slice(&[1, 3, 224, 224], &vec![0.5f32; 3 * 224 * 224]).unwrap();
//! let outputs = session.run(&[("input", &x)])?;
//! # Ok(())
//! # }
//! ```

use crate::Error;
use crate::compile::{self, CompileOptions};
use msc_runtime::{Model, Outputs, StepTiming, Tensor, TensorInfo, Trust};
use std::path::Path;

/// Configures and creates a [`Session`].
#[derive(Clone, Debug)]
pub struct SessionBuilder {
    threads: usize,
    trust: Option<Trust>,
    input_shapes: Vec<(String, Vec<i64>)>,
    frozen_inputs: Vec<(String, msc_nn_kernels::Tensor)>,
}

/// A model ready to run. `run(&self)` is safe to call from many threads at once.
pub struct Session {
    inner: msc_runtime::Session,
}

impl Session {
    pub fn builder() -> SessionBuilder {
        SessionBuilder { threads: 1, trust: None, input_shapes: Vec::new(), frozen_inputs: Vec::new() }
    }

    /// Runs the model; inputs by name, outputs in the model's order with their names.
    pub fn run(&self, inputs: &[(&str, &Tensor)]) -> Result<Outputs, Error> {
        Ok(self.inner.run(inputs)?)
    }

    /// Runs the model and times every step.
    pub fn run_profiled(&self, inputs: &[(&str, &Tensor)]) -> Result<(Outputs, Vec<StepTiming>), Error> {
        Ok(self.inner.run_profiled(inputs)?)
    }

    pub fn inputs(&self) -> &[TensorInfo] {
        self.inner.model().inputs()
    }

    pub fn outputs(&self) -> &[TensorInfo] {
        self.inner.model().outputs()
    }

    /// The loaded model (steps, sizes, target).
    pub fn model(&self) -> &Model {
        self.inner.model()
    }
}

impl SessionBuilder {
    /// Threads for intra-op parallelism (1: run on the calling thread only; 0: one per CPU).
    pub fn threads(mut self, threads: usize) -> SessionBuilder {
        self.threads = threads;
        self
    }

    /// Trusts the native code of `.ms` files this builder loads: loading runs their code, so the
    /// caller decides (a trusted producer, or a file whose hash it knows). Not needed for models
    /// compiled in process.
    pub fn trust(mut self, trust: Trust) -> SessionBuilder {
        self.trust = Some(trust);
        self
    }

    /// Fixes an input's shape before JIT compilation (`-1` keeps the model's dim).
    pub fn input_shape(mut self, name: &str, shape: &[i64]) -> SessionBuilder {
        self.input_shapes.push((name.to_string(), shape.to_vec()));
        self
    }

    /// Freezes an input to `value` before JIT compilation: it becomes a constant, so the shapes it
    /// decides (a reshape's target, a resize's scales) are static, and it is no longer an input.
    /// Whether the value fits the input is checked when the model is compiled.
    pub fn freeze_input(mut self, name: &str, value: &Tensor) -> Result<SessionBuilder, Error> {
        self.frozen_inputs.push((name.to_string(), crate::formats::host_tensor(value)?));
        Ok(self)
    }

    /// Freezes inputs to host tensors (as `msc compile --freeze-input` reads them).
    pub fn freeze_inputs(mut self, values: &[(String, msc_nn_kernels::Tensor)]) -> SessionBuilder {
        self.frozen_inputs.extend_from_slice(values);
        self
    }

    /// Loads a `.ms` artefact (needs [`trust`](Self::trust)) or JIT-compiles any other model file
    /// for this host.
    pub fn commit_from_file(self, path: impl AsRef<Path>) -> Result<Session, Error> {
        let path = path.as_ref();
        let model = if is_artefact(path)? {
            let trust = self.trust.ok_or_else(|| {
                Error::Usage(format!(
                    "{} holds native code: loading it runs that code, so say whether you trust it with \
                     SessionBuilder::trust(Trust::TrustedProducer) or Trust::ExpectedHash(..)",
                    path.display()
                ))
            })?;
            Model::load_file(path, trust)?
        } else {
            let options = CompileOptions {
                input_shapes: self.input_shapes.clone(),
                frozen_inputs: self.frozen_inputs.clone(),
                ..CompileOptions::default()
            };
            let compiled = compile::compile_file(path, &options, &mut |_| {})?;
            // Compiled in this process, just now: the code is ours.
            Model::from_bytes(compiled.artefact.to_bytes(), Trust::TrustedProducer)?
        };
        Ok(Session { inner: msc_runtime::Session::new(model, self.threads)? })
    }
}

/// Whether `path` holds a `.ms` artefact (by its magic bytes, not its name).
pub fn is_artefact(path: &Path) -> Result<bool, Error> {
    use std::io::Read;
    let mut magic = [0u8; 8];
    let mut file =
        std::fs::File::open(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    let n = file.read(&mut magic).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
    Ok(n == magic.len() && magic == msc_runtime::MAGIC)
}
