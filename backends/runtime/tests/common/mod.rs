//! Test fixtures shared by the runtime's integration tests: a small artefact with hand-assembled x86_64 kernels,
//! and helpers to edit an encoded file and re-seal its hash.

#![allow(dead_code, reason = "each test binary uses a different subset of the fixtures")]

use msc_runtime::gemm::Activation;
use msc_runtime::{
    Artefact, Base, BufferRef, DType, Kernel, LoadErrorKind, Manifest, Model, Plan, Routine, Session, Step, TensorInfo,
    Trust,
};

/// `y[i] = x[i] + 1.0f` for i in [begin, end); args: x, y.
///
/// ```text
/// 48 8b 07             mov    rax, [rdi]          ; x
/// 48 8b 4f 08          mov    rcx, [rdi+8]        ; y
/// 41 b8 00 00 80 3f    mov    r8d, 0x3f800000     ; 1.0f
/// 66 41 0f 6e c8       movd   xmm1, r8d
/// 48 39 d6             cmp    rsi, rdx
/// 7d 16                jge    done
/// f3 0f 10 04 b0   l:  movss  xmm0, [rax+rsi*4]
/// f3 0f 58 c1          addss  xmm0, xmm1
/// f3 0f 11 04 b1       movss  [rcx+rsi*4], xmm0
/// 48 ff c6             inc    rsi
/// 48 39 d6             cmp    rsi, rdx
/// 7c ea                jl     l
/// c3               done: ret
/// ```
pub const ADD_ONE: &[u8] = &[
    0x48, 0x8b, 0x07, 0x48, 0x8b, 0x4f, 0x08, 0x41, 0xb8, 0x00, 0x00, 0x80, 0x3f, 0x66, 0x41, 0x0f, 0x6e, 0xc8, 0x48,
    0x39, 0xd6, 0x7d, 0x16, 0xf3, 0x0f, 0x10, 0x04, 0xb0, 0xf3, 0x0f, 0x58, 0xc1, 0xf3, 0x0f, 0x11, 0x04, 0xb1, 0x48,
    0xff, 0xc6, 0x48, 0x39, 0xd6, 0x7c, 0xea, 0xc3,
];

/// `z[i] = x[i] + w[i]` (f32) for i in [begin, end); args: x, w, z.
///
/// ```text
/// 48 8b 07             mov    rax, [rdi]          ; x
/// 48 8b 4f 08          mov    rcx, [rdi+8]        ; w
/// 48 8b 7f 10          mov    rdi, [rdi+16]       ; z
/// 48 39 d6             cmp    rsi, rdx
/// 7d 17                jge    done
/// f3 0f 10 04 b0   l:  movss  xmm0, [rax+rsi*4]
/// f3 0f 58 04 b1       addss  xmm0, [rcx+rsi*4]
/// f3 0f 11 04 b7       movss  [rdi+rsi*4], xmm0
/// 48 ff c6             inc    rsi
/// 48 39 d6             cmp    rsi, rdx
/// 7c e9                jl     l
/// c3               done: ret
/// ```
pub const ADD: &[u8] = &[
    0x48, 0x8b, 0x07, 0x48, 0x8b, 0x4f, 0x08, 0x48, 0x8b, 0x7f, 0x10, 0x48, 0x39, 0xd6, 0x7d, 0x17, 0xf3, 0x0f, 0x10,
    0x04, 0xb0, 0xf3, 0x0f, 0x58, 0x04, 0xb1, 0xf3, 0x0f, 0x11, 0x04, 0xb7, 0x48, 0xff, 0xc6, 0x48, 0x39, 0xd6, 0x7c,
    0xe9, 0xc3,
];

/// Copies bytes [16 * begin, 16 * end) of args[0] to args[1].
///
/// ```text
/// 4c 8b 07             mov    r8, [rdi]           ; src
/// 4c 8b 4f 08          mov    r9, [rdi+8]         ; dst
/// 48 89 d1             mov    rcx, rdx
/// 48 29 f1             sub    rcx, rsi            ; tiles
/// 48 6b c9 10          imul   rcx, rcx, 16        ; bytes
/// 48 6b f6 10          imul   rsi, rsi, 16        ; first byte
/// 49 8d 3c 31          lea    rdi, [r9+rsi]
/// 4c 01 c6             add    rsi, r8
/// f3 a4                rep movsb
/// c3                   ret
/// ```
pub const COPY16: &[u8] = &[
    0x4c, 0x8b, 0x07, 0x4c, 0x8b, 0x4f, 0x08, 0x48, 0x89, 0xd1, 0x48, 0x29, 0xf1, 0x48, 0x6b, 0xc9, 0x10, 0x48, 0x6b,
    0xf6, 0x10, 0x49, 0x8d, 0x3c, 0x31, 0x4c, 0x01, 0xc6, 0xf3, 0xa4, 0xc3,
];

/// `c[i] += 1` (u8) for i in [begin, end); args: c. Turns a zeroed buffer into all ones iff every tile is
/// visited exactly once.
///
/// ```text
/// 48 8b 0f             mov    rcx, [rdi]
/// 48 39 d6             cmp    rsi, rdx
/// 7d 0b                jge    done
/// fe 04 31         l:  inc    byte [rcx+rsi]
/// 48 ff c6             inc    rsi
/// 48 39 d6             cmp    rsi, rdx
/// 7c f5                jl     l
/// c3               done: ret
/// ```
pub const COUNT: &[u8] = &[
    0x48, 0x8b, 0x0f, 0x48, 0x39, 0xd6, 0x7d, 0x0b, 0xfe, 0x04, 0x31, 0x48, 0xff, 0xc6, 0x48, 0x39, 0xd6, 0x7c, 0xf5,
    0xc3,
];

/// Elements of the f32 input `x` and the f32 output `y`.
pub const N: usize = 37;
/// Counters in the arena (and bytes of output `counts`): 63 tiles of `COPY16`.
pub const COUNTERS: usize = 1008;
/// Where the f32 sum lives in the arena.
pub const SUM_AT: u64 = 1024;
/// Where `COUNTERS` zero bytes start in the weights.
const ZEROS_AT: usize = 256;

fn range(base: Base, offset: u64, len: usize) -> BufferRef {
    BufferRef { base, offset, len: len as u64 }
}

/// The weights: 64 pattern bytes, then `w[i] = i / 2` as f32, then zeros up to [`ZEROS_AT`] + [`COUNTERS`].
pub fn weights() -> Vec<u8> {
    let mut weights: Vec<u8> = (0..64u8).map(|b| b.wrapping_mul(37)).collect();
    for i in 0..N {
        weights.extend_from_slice(&(i as f32 / 2.0).to_le_bytes());
    }
    weights.resize(ZEROS_AT + COUNTERS, 0);
    weights
}

/// A model for this host with input `x: f32[37]` and outputs `y = x + w + 1` (f32[37]), `prefix` = the first
/// 160 weight bytes (u8[160]) and `counts` = 1008 ones (u8[1008]), computed by six steps over inputs, outputs,
/// weights and the arena (the counters are zeroed by a step: a run's arena holds what the last run left). Its kernels are x86_64 code; other hosts can load but not run it.
pub fn artefact() -> Artefact {
    let mut code = Vec::new();
    let mut kernels = Vec::new();
    for (name, bytes) in [("add_one", ADD_ONE), ("add", ADD), ("copy16", COPY16), ("count", COUNT)] {
        kernels.push(Kernel { name: name.into(), code_offset: code.len() as u64, code_len: bytes.len() as u64 });
        code.extend_from_slice(bytes);
        code.extend_from_slice(&[0xcc; 5]); // int3 padding between kernels
    }
    let step = |name: &str, op_type: &str, kernel: u32, tiles: u64, args: Vec<BufferRef>| Step {
        routine: Routine::Kernel(kernel),
        tiles,
        args,
        name: name.into(),
        op_type: op_type.into(),
    };
    let f32s = N * 4;
    Artefact {
        producer: "msc-runtime tests".into(),
        target: msc_runtime::host_triple(),
        cpu_features: Vec::new(),
        manifest: Manifest {
            inputs: vec![TensorInfo { name: "x".into(), dtype: DType::F32, shape: vec![N as u64] }],
            outputs: vec![
                TensorInfo { name: "y".into(), dtype: DType::F32, shape: vec![N as u64] },
                TensorInfo { name: "prefix".into(), dtype: DType::U8, shape: vec![10, 16] },
                TensorInfo { name: "counts".into(), dtype: DType::U8, shape: vec![COUNTERS as u64] },
            ],
        },
        weights: weights(),
        plan: Plan {
            arena_size: SUM_AT + f32s as u64,
            kernels,
            steps: vec![
                step(
                    "onnx:add_w",
                    "nn.add",
                    1,
                    N as u64,
                    vec![
                        range(Base::Input(0), 0, f32s),
                        range(Base::Weights, 64, f32s),
                        range(Base::Arena, SUM_AT, f32s),
                    ],
                ),
                step(
                    "onnx:add_one",
                    "nn.add",
                    0,
                    N as u64,
                    vec![range(Base::Arena, SUM_AT, f32s), range(Base::Output(0), 0, f32s)],
                ),
                step(
                    "onnx:prefix",
                    "nn.slice",
                    2,
                    10,
                    vec![range(Base::Weights, 0, 160), range(Base::Output(1), 0, 160)],
                ),
                step(
                    "onnx:zero_counts",
                    "nn.identity",
                    2,
                    (COUNTERS / 16) as u64,
                    vec![range(Base::Weights, ZEROS_AT as u64, COUNTERS), range(Base::Arena, 0, COUNTERS)],
                ),
                step("onnx:count", "test.count", 3, COUNTERS as u64, vec![range(Base::Arena, 0, COUNTERS)]),
                step(
                    "onnx:counts",
                    "nn.identity",
                    2,
                    (COUNTERS / 16) as u64,
                    vec![range(Base::Arena, 0, COUNTERS), range(Base::Output(2), 0, COUNTERS)],
                ),
            ],
        },
        code,
        ir: Some("func.func @main(%x: tensor<37xf32>) { ... }".into()),
    }
}

/// Recomputes the content hash of an edited file (BLAKE3 of everything but bytes 32..64) and stores it.
pub fn reseal(bytes: &mut [u8]) {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&bytes[..32]);
    hasher.update(&bytes[64..]);
    let hash = *hasher.finalize().as_bytes();
    bytes[32..64].copy_from_slice(&hash);
}

pub fn read_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

pub fn write_u32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

pub fn write_u64(bytes: &mut [u8], at: usize, v: u64) {
    bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// File offset of the section-table entry (kind u32, flags u32, offset u64, len u64) for section `kind`.
pub fn section_entry(bytes: &[u8], kind: u32) -> usize {
    let table = read_u64(bytes, 16) as usize;
    let count = read_u64(bytes, table) as usize;
    (0..count)
        .map(|i| table + 8 + 24 * i)
        .find(|&entry| u32::from_le_bytes(bytes[entry..entry + 4].try_into().unwrap()) == kind)
        .expect("section present")
}

/// File offset where section `kind`'s data starts.
pub fn section_offset(bytes: &[u8], kind: u32) -> usize {
    read_u64(bytes, section_entry(bytes, kind) + 8) as usize
}

/// erf in f64: `2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))`, all terms positive.
fn erf(x: f64) -> f64 {
    if x.abs() > 6.0 {
        return x.signum();
    }
    let (mut term, mut sum, mut n) = (x, x, 0.0);
    while term.abs() > 1e-17 * sum.abs() {
        n += 1.0;
        term *= 2.0 * x * x / (2.0 * n + 1.0);
        sum += term;
    }
    2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp() * sum
}

/// Every activation, with parameters that bite on values in [-1, 1].
pub const ACTIVATIONS: [Activation; 9] = [
    Activation::None,
    Activation::Relu,
    Activation::Clip { lo: 0.0, hi: 0.5 },
    Activation::LeakyRelu { alpha: 0.125 },
    Activation::Sigmoid,
    Activation::Tanh,
    Activation::Silu,
    Activation::Gelu,
    Activation::HardSwish,
];

/// The activation's formula in f64, the reference the kernels' f32 epilogues are checked against.
pub fn activate(activation: Activation, x: f64) -> f64 {
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    match activation {
        Activation::None => x,
        Activation::Relu => x.max(0.0),
        Activation::Clip { lo, hi } => x.max(lo as f64).min(hi as f64),
        Activation::LeakyRelu { alpha } => {
            if x > 0.0 {
                x
            } else {
                alpha as f64 * x
            }
        }
        Activation::Sigmoid => sigmoid(x),
        Activation::Tanh => x.tanh(),
        Activation::Silu => x * sigmoid(x),
        Activation::Gelu => 0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2)),
        Activation::HardSwish => x * (x + 3.0).clamp(0.0, 6.0) / 6.0,
    }
}

/// Every strict prefix of the encoded artefact `bytes` is an error, and flipping any byte (re-sealed, since
/// the hash would catch it) gives an error or an artefact, never a panic: the structural decoding holds on
/// its own.
pub fn assert_truncated_and_corrupted_read_without_panics(bytes: &[u8]) {
    for len in 0..bytes.len() {
        assert!(Artefact::read(&bytes[..len]).is_err(), "a {len}-byte prefix was accepted");
    }
    for at in (64..bytes.len()).step_by(3) {
        let mut corrupt = bytes.to_vec();
        corrupt[at] ^= 0x5a;
        reseal(&mut corrupt);
        let _ = Artefact::read(&corrupt);
    }
}

/// Loads `a` after `edit` and returns the routine error it must fail with.
pub fn routine_error(mut a: Artefact, edit: impl FnOnce(&mut Artefact)) -> String {
    edit(&mut a);
    match Model::from_bytes(a.to_bytes(), Trust::TrustedProducer) {
        Ok(_) => panic!("the artefact loaded"),
        Err(e) => match e.into_kind() {
            kind @ LoadErrorKind::BadRoutine { .. } => kind.to_string(),
            other => panic!("expected a routine error, got {other:?}"),
        },
    }
}

/// A session running `a` on `threads` threads with every step split over them, however small, so that tests
/// exercise the pool.
pub fn session(a: &Artefact, threads: usize) -> Session {
    let model = Model::from_bytes(a.to_bytes(), Trust::TrustedProducer).unwrap();
    Session::new(model, threads).unwrap().with_parallel_threshold(0)
}

/// `len` deterministic values in [-1, 1] in steps of 1/1000, varied by `seed`.
pub fn data(len: usize, seed: u32) -> Vec<f32> {
    (0..len)
        .map(|i| ((i as u32).wrapping_mul(2654435761) ^ seed).wrapping_mul(40503) % 2001)
        .map(|v| v as f32 / 1000.0 - 1.0)
        .collect()
}
