//! Running a model: binding inputs by name, per-run arena and outputs, the schedule's steps split over the
//! thread pool, and optional per-step timing.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use crate::buffer::AlignedBuf;
use crate::col2im::BoundCol2im;
use crate::depthwise::{BoundDepthwise, Isa, Strategy};
use crate::error::RunError;
use crate::format::{Base, TensorInfo};
use crate::load::Model;
use crate::pool::Pool;
use crate::resize::BoundResize;
use crate::routine::{BoundGemm, GemmPlan, Routine};
use crate::tensor::Tensor;
use crate::winograd::{BoundWinograd, WinogradPlan};

/// The kernel ABI: `args[i]` is the address of the step's i-th buffer argument; the kernel does the tiles
/// `[begin, end)`.
type KernelFn = unsafe extern "C" fn(args: *const *mut u8, begin: i64, end: i64);

/// A loaded model with a thread pool, ready to run. `run` takes `&self` and keeps all per-run state per call,
/// so one session serves many threads at once (`Session` is `Send + Sync`).
pub struct Session {
    model: Model,
    kernels: Vec<KernelFn>,
    /// For each step running the GEMM engine (alone or in a Winograd convolution), how this host runs it.
    plans: Vec<StepPlan>,
    /// The instruction set depthwise and Winograd steps run with on this host.
    depthwise_isa: Isa,
    threads: usize,
    /// Steps whose buffers total fewer bytes run on the calling thread alone.
    parallel_threshold: u64,
    pool: Pool,
    /// Arenas of finished runs, kept so later runs do not page-fault fresh memory in.
    arenas: Mutex<Vec<AlignedBuf>>,
    /// Fill the arena and the outputs with 0xFF bytes before each run ([`Session::with_poisoned_buffers`]).
    poison: bool,
}

/// When one step ran, relative to the start of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTiming {
    /// Index of the step in the schedule ([`Model::steps`]).
    pub step: usize,
    /// Nanoseconds from the start of the first step to the start of this one.
    pub start_ns: u64,
    /// Nanoseconds the step took.
    pub duration_ns: u64,
}

/// Named output tensors, in manifest order.
pub type Outputs = Vec<(String, Tensor)>;

/// The default [`Session::with_parallel_threshold`].
const MIN_PARALLEL_BYTES: u64 = 32 << 10;

/// How this host runs a step that calls the GEMM engine, fixed when the session is created.
enum StepPlan {
    /// The step calls no engine.
    None,
    Gemm(GemmPlan),
    Winograd(WinogradPlan),
}

/// One step's kernel call, shared by the threads that run its chunks.
struct Call {
    kernel: KernelFn,
    args: Vec<*mut u8>,
    tiles: u64,
    chunks: u64,
}

// SAFETY: the pointers are only passed to the kernel, whose chunks write disjoint tiles by the kernel contract.
unsafe impl Sync for Call {}

impl Call {
    fn run_chunk(&self, chunk: u64) {
        let (begin, end) = chunk_range(self.tiles, self.chunks, chunk);
        // SAFETY: the model was loaded under an explicit trust decision; its kernels implement the kernel ABI,
        // and every argument range was checked to lie inside its (live, suitably sized) base buffer.
        unsafe { (self.kernel)(self.args.as_ptr(), begin, end) };
    }
}

/// Chunk `chunk` of `[0, tiles)` split into `chunks` contiguous chunks whose sizes differ by at most one.
/// `tiles <= i64::MAX` (checked at load time), so the bounds fit in `i64`.
fn chunk_range(tiles: u64, chunks: u64, chunk: u64) -> (i64, i64) {
    let (size, rest) = (tiles / chunks, tiles % chunks);
    let begin = chunk * size + chunk.min(rest);
    let end = begin + size + u64::from(chunk < rest);
    (begin as i64, end as i64)
}

fn elapsed_ns(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

impl Session {
    /// Starts a session on `threads` threads in all, the calling thread included (`threads - 1` workers);
    /// `0` means one per available CPU, `1` runs everything on the caller without starting any thread.
    pub fn new(model: Model, threads: usize) -> Result<Session, RunError> {
        let threads = match threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let pool = Pool::new(threads - 1).map_err(|source| RunError::ThreadSpawn { threads: threads - 1, source })?;
        let kernels = (0..model.plan().kernels.len())
            .map(|index| {
                // SAFETY: the entry lies inside the executable code (checked at load time); that the bytes
                // there are a function with the kernel ABI is what the caller's `Trust` vouched for.
                unsafe { std::mem::transmute::<*const u8, KernelFn>(model.kernel_entry(index)) }
            })
            .collect();
        let plans = model
            .plan()
            .steps
            .iter()
            .enumerate()
            .map(|(step, s)| match &s.routine {
                Routine::Kernel(_) | Routine::Depthwise(_) | Routine::Col2im(_) | Routine::Resize(_) => {
                    Ok(StepPlan::None)
                }
                Routine::Gemm(call) => GemmPlan::new(call).map(StepPlan::Gemm).map_err(|source| RunError::Gemm {
                    step,
                    name: s.name.clone(),
                    source,
                }),
                Routine::WinogradConv(call) => WinogradPlan::new(call, threads)
                    .map(StepPlan::Winograd)
                    .map_err(|source| RunError::Gemm { step, name: s.name.clone(), source }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Session {
            model,
            kernels,
            plans,
            depthwise_isa: Isa::best_for_host(),
            threads,
            parallel_threshold: MIN_PARALLEL_BYTES,
            pool,
            arenas: Mutex::default(),
            poison: false,
        })
    }

    /// Splits steps over the threads only when their buffers total at least `bytes` (default
    /// 32 KiB: below that, waking the pool costs more than it saves; 0 splits every step).
    pub fn with_parallel_threshold(mut self, bytes: u64) -> Session {
        self.parallel_threshold = bytes;
        self
    }

    /// Fills the arena and the outputs with 0xFF bytes (a NaN in every float type) before every run, so a step
    /// reading bytes that no earlier step of the run wrote shows up as NaN or garbage in the outputs. A
    /// debugging aid for the compiler: without it a run's arena holds what the previous run left there (plan
    /// memory shares arena bytes between buffers, so no step may count on zeros anyway).
    pub fn with_poisoned_buffers(mut self) -> Session {
        self.poison = true;
        self
    }

    /// The model this session runs.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The number of threads a step is split over.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs the model on `inputs`, given by name, and returns the outputs in manifest order.
    pub fn run(&self, inputs: &[(&str, &Tensor)]) -> Result<Outputs, RunError> {
        self.execute(inputs, None)
    }

    /// Like [`Session::run`], and also returns each step's timing, in schedule order.
    pub fn run_profiled(&self, inputs: &[(&str, &Tensor)]) -> Result<(Outputs, Vec<StepTiming>), RunError> {
        let mut timings = Vec::with_capacity(self.model.plan().steps.len());
        let outputs = self.execute(inputs, Some(&mut timings))?;
        Ok((outputs, timings))
    }

    /// Orders the given inputs as the manifest does, checking names, dtypes and shapes.
    fn bind<'t>(&self, inputs: &[(&str, &'t Tensor)]) -> Result<Vec<&'t Tensor>, RunError> {
        let expected = self.model.inputs();
        let mut bound: Vec<Option<&Tensor>> = vec![None; expected.len()];
        for &(name, tensor) in inputs {
            let Some(index) = expected.iter().position(|info| info.name == name) else {
                return Err(RunError::UnknownInput {
                    name: name.to_owned(),
                    expected: expected.iter().map(|info| info.name.clone()).collect(),
                });
            };
            let info = &expected[index];
            if bound[index].replace(tensor).is_some() {
                return Err(RunError::DuplicateInput { name: name.to_owned() });
            }
            if tensor.dtype() != info.dtype {
                return Err(RunError::DtypeMismatch {
                    name: name.to_owned(),
                    expected: info.dtype,
                    found: tensor.dtype(),
                });
            }
            if !same_shape(info, tensor.shape()) {
                return Err(RunError::ShapeMismatch {
                    name: name.to_owned(),
                    expected: info.shape.clone(),
                    found: tensor.shape().to_vec(),
                });
            }
        }
        bound
            .into_iter()
            .zip(expected)
            .map(|(tensor, info)| tensor.ok_or_else(|| RunError::MissingInput { name: info.name.clone() }))
            .collect()
    }

    /// An arena for a run: a pooled one, as the last run left it, when there is one, else a fresh zeroed
    /// allocation. It is not cleared: every step writes the arena bytes it reads (clearing detection's 24.5 MiB
    /// took 1.6-2.0 ms a run).
    fn take_arena(&self) -> Result<AlignedBuf, RunError> {
        let pooled = self.arenas.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut arena = match pooled {
            Some(arena) => arena,
            // The arena size was checked at load time to fit in memory.
            None => AlignedBuf::zeroed(self.model.arena_size() as usize)
                .map_err(|e| RunError::OutOfMemory { what: "the arena".into(), bytes: e.0 })?,
        };
        self.poison_buffer(&mut arena);
        Ok(arena)
    }

    /// Fills `buf` with 0xFF bytes when the session poisons its buffers.
    fn poison_buffer(&self, buf: &mut AlignedBuf) {
        if self.poison {
            buf.as_mut_slice().fill(0xFF);
        }
    }

    /// Runs `tiles` tiles over the pool in `chunks_of(tiles)` contiguous chunks, `run(begin, end)` per chunk.
    fn run_tiled(&self, tiles: u64, chunks_of: &dyn Fn(u64) -> u64, run: &(dyn Fn(u64, u64) + Sync)) {
        let chunks = chunks_of(tiles);
        self.pool.run(chunks as usize, &|chunk| {
            let (begin, end) = chunk_range(tiles, chunks, chunk as u64);
            run(begin as u64, end as u64);
        });
    }

    fn execute(
        &self,
        inputs: &[(&str, &Tensor)],
        mut timings: Option<&mut Vec<StepTiming>>,
    ) -> Result<Outputs, RunError> {
        let inputs = self.bind(inputs)?;
        let mut outputs = Vec::with_capacity(self.model.outputs().len());
        for (info, &size) in self.model.outputs().iter().zip(self.model.output_sizes()) {
            let mut buf = AlignedBuf::zeroed(size)
                .map_err(|e| RunError::OutOfMemory { what: format!("output `{}`", info.name), bytes: e.0 })?;
            self.poison_buffer(&mut buf);
            outputs.push(buf);
        }
        let mut arena = self.take_arena()?;

        // Kernels read inputs and weights through these pointers but never write them (kernel contract).
        let input_ptrs: Vec<*mut u8> = inputs.iter().map(|t| t.data_ptr().cast_mut()).collect();
        let output_ptrs: Vec<*mut u8> = outputs.iter_mut().map(AlignedBuf::as_mut_ptr).collect();
        let arena_ptr = arena.as_mut_ptr();
        let weights_ptr = self.model.weights().as_ptr().cast_mut();

        let start = Instant::now();
        for (index, step) in self.model.plan().steps.iter().enumerate() {
            let step_start = Instant::now();
            // Indices and ranges were checked at load time; `wrapping_add` stays inside the base buffer.
            let args: Vec<*mut u8> = step
                .args
                .iter()
                .map(|arg| {
                    let base = match arg.base {
                        Base::Input(i) => input_ptrs[i as usize],
                        Base::Output(i) => output_ptrs[i as usize],
                        Base::Arena => arena_ptr,
                        Base::Weights => weights_ptr,
                    };
                    base.wrapping_add(arg.offset as usize)
                })
                .collect();
            // A step touching little memory finishes before woken threads would start on it.
            let bytes: u64 = step.args.iter().map(|a| a.len).sum();
            let chunks_of = |tiles: u64| {
                if bytes < self.parallel_threshold { tiles.min(1) } else { tiles.min(self.threads as u64) }
            };
            match &step.routine {
                Routine::Kernel(kernel) => {
                    let chunks = chunks_of(step.tiles);
                    let call = Call { kernel: self.kernels[*kernel as usize], args, tiles: step.tiles, chunks };
                    self.pool.run(chunks as usize, &|chunk| call.run_chunk(chunk as u64));
                }
                Routine::Gemm(call) => {
                    let StepPlan::Gemm(plan) = self.plans[index] else { unreachable!("set for every GEMM step") };
                    let gemm = BoundGemm::new(call, plan, &args);
                    // SAFETY: as for every routine step: checked at load time, live buffers, disjoint tiles.
                    self.run_tiled(gemm.tiles(), &chunks_of, &|begin, end| unsafe { gemm.run_tiles(begin, end) });
                }
                Routine::Depthwise(call) => {
                    let strategy = Strategy::for_call(call, self.depthwise_isa);
                    let depthwise = BoundDepthwise::new(call, strategy, &args);
                    // SAFETY: as for every routine step: checked at load time, live buffers, disjoint tiles.
                    self.run_tiled(depthwise.tiles(), &chunks_of, &|begin, end| unsafe {
                        depthwise.run_tiles(begin, end)
                    });
                }
                Routine::WinogradConv(call) => {
                    let StepPlan::Winograd(plan) = self.plans[index] else {
                        unreachable!("set for every Winograd step")
                    };
                    let winograd = BoundWinograd::new(call, plan, self.depthwise_isa, &args);
                    // SAFETY: as for every routine step: checked at load time, live buffers, disjoint tiles.
                    self.run_tiled(winograd.tiles(), &chunks_of, &|begin, end| unsafe {
                        winograd.run_tiles(begin, end)
                    });
                }
                Routine::Col2im(call) => {
                    let col2im = BoundCol2im::new(call, self.depthwise_isa, &args);
                    // SAFETY: as for every routine step: checked at load time, live buffers, disjoint tiles.
                    self.run_tiled(col2im.tiles(), &chunks_of, &|begin, end| unsafe { col2im.run_tiles(begin, end) });
                }
                Routine::Resize(call) => {
                    let resize = BoundResize::new(call, self.depthwise_isa, &args);
                    // SAFETY: as for every routine step: checked at load time, live buffers, disjoint tiles.
                    self.run_tiled(resize.tiles(), &chunks_of, &|begin, end| unsafe { resize.run_tiles(begin, end) });
                }
            }
            if let Some(timings) = timings.as_deref_mut() {
                let start_ns = u64::try_from(step_start.duration_since(start).as_nanos()).unwrap_or(u64::MAX);
                timings.push(StepTiming { step: index, start_ns, duration_ns: elapsed_ns(step_start) });
            }
        }

        self.arenas.lock().unwrap_or_else(PoisonError::into_inner).push(arena);
        Ok(self
            .model
            .outputs()
            .iter()
            .zip(outputs)
            .map(|(info, buf)| {
                // Each dimension was checked at load time to fit in usize.
                let shape = info.shape.iter().map(|&d| d as usize).collect();
                (info.name.clone(), Tensor::from_buf(info.dtype, shape, buf))
            })
            .collect())
    }
}

fn same_shape(info: &TensorInfo, shape: &[usize]) -> bool {
    info.shape.len() == shape.len() && info.shape.iter().zip(shape).all(|(&a, &b)| u64::try_from(b) == Ok(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_tiles_exactly_once() {
        for tiles in 0..40u64 {
            for chunks in 1..=tiles.clamp(1, 9) {
                let mut next = 0;
                for chunk in 0..chunks {
                    let (begin, end) = chunk_range(tiles, chunks, chunk);
                    assert_eq!(begin, next);
                    assert!(end >= begin && end - begin <= (tiles / chunks + 1) as i64);
                    next = end;
                }
                assert_eq!(next, tiles as i64);
            }
        }
        assert_eq!(chunk_range(i64::MAX as u64, 3, 2).1, i64::MAX);
    }
}
