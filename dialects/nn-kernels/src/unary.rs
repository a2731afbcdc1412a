//! Elementwise unary math and activation kernels (ONNX `Abs`, `Exp`, `Relu`, `Gelu`, `Clip`, ...).

use crate::support::{Accepts, check_dtype};
use crate::{Data, Result, Tensor};

/// An elementwise unary op with its attributes. The associated constants hold the ONNX defaults of
/// the parameterised ops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnaryOp {
    Abs,
    Neg,
    Exp,
    Log,
    Sqrt,
    /// `1 / sqrt(x)`.
    Rsqrt,
    Reciprocal,
    Floor,
    Ceil,
    /// Rounds half to even.
    Round,
    Sign,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Asinh,
    Acosh,
    Atanh,
    Tanh,
    Erf,
    Sigmoid,
    Relu,
    /// `x` for `x >= 0`, else `alpha * x`.
    LeakyRelu {
        alpha: f64,
    },
    /// `x` for `x >= 0`, else `alpha * (exp(x) - 1)`.
    Elu {
        alpha: f64,
    },
    /// `gamma * x` for `x > 0`, else `gamma * alpha * (exp(x) - 1)`.
    Selu {
        alpha: f64,
        gamma: f64,
    },
    /// `max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`.
    Celu {
        alpha: f64,
    },
    /// `x * Phi(x)`; with `tanh_approximation` (ONNX `approximate = "tanh"`) Phi uses the tanh
    /// formula instead of `erf`.
    Gelu {
        tanh_approximation: bool,
    },
    /// `x * sigmoid(x)`.
    Silu,
    /// `max(0, min(1, alpha * x + beta))`.
    HardSigmoid {
        alpha: f64,
        beta: f64,
    },
    /// `x * max(0, min(1, x / 6 + 1 / 2))`.
    HardSwish,
    /// `ln(1 + exp(x))`.
    Softplus,
    /// `x / (1 + |x|)`.
    Softsign,
    /// `x * tanh(softplus(x))`.
    Mish,
    /// ONNX `ThresholdedRelu`: `x` for `x > alpha`, else 0.
    ThresholdedRelu {
        alpha: f64,
    },
    /// `x + bias` for `x < -lambd`, `x - bias` for `x > lambd`, else 0.
    Shrink {
        bias: f64,
        lambd: f64,
    },
    /// Bool result.
    IsNan,
    /// Bool result: true for infinities of the selected signs.
    IsInf {
        detect_negative: bool,
        detect_positive: bool,
    },
    /// Logical not of a Bool tensor.
    Not,
    BitwiseNot,
    /// Clamps to `[min, max]` (a missing bound does not clamp); when `min > max` every element
    /// becomes `max`, as in ONNX.
    Clip {
        min: Option<f64>,
        max: Option<f64>,
    },
}

impl UnaryOp {
    pub const LEAKY_RELU: UnaryOp = UnaryOp::LeakyRelu { alpha: 0.01 };
    pub const ELU: UnaryOp = UnaryOp::Elu { alpha: 1.0 };
    /// The ONNX defaults, the f32 values 1.67326319217681884765625 and 1.05070102214813232421875.
    pub const SELU: UnaryOp = UnaryOp::Selu { alpha: 1.673_263_192_176_818_8, gamma: 1.050_701_022_148_132_3 };
    pub const CELU: UnaryOp = UnaryOp::Celu { alpha: 1.0 };
    pub const GELU: UnaryOp = UnaryOp::Gelu { tanh_approximation: false };
    pub const HARD_SIGMOID: UnaryOp = UnaryOp::HardSigmoid { alpha: 0.2, beta: 0.5 };
    pub const THRESHOLDED_RELU: UnaryOp = UnaryOp::ThresholdedRelu { alpha: 1.0 };
    pub const SHRINK: UnaryOp = UnaryOp::Shrink { bias: 0.0, lambd: 0.5 };
    pub const IS_INF: UnaryOp = UnaryOp::IsInf { detect_negative: true, detect_positive: true };
}

/// Applies `op` to every element of `x`. Float maths runs in `f64` and rounds once to the input
/// type; integer inputs (where ONNX allows them) compute in `i64` and wrap to the input type.
pub fn unary(op: &UnaryOp, x: &Tensor) -> Result<Tensor> {
    use UnaryOp as U;
    match *op {
        U::Abs => numeric("abs", x, Accepts::Numeric, f64::abs, i64::wrapping_abs),
        U::Neg => numeric("neg", x, Accepts::Signed, |v| -v, i64::wrapping_neg),
        U::Sign => numeric("sign", x, Accepts::Numeric, float_sign, i64::signum),
        U::Relu => numeric("relu", x, Accepts::Signed, |v| if v < 0.0 { 0.0 } else { v }, |v| v.max(0)),
        U::Clip { min, max } => {
            let (imin, imax) = (min.map(|m| m as i64), max.map(|m| m as i64));
            numeric("clip", x, Accepts::Numeric, |v| clip(v, min, max), |v| clip(v, imin, imax))
        }
        // ONNX allows integer inputs for these two; the float result truncates toward zero.
        U::Erf => numeric("erf", x, Accepts::Numeric, erf, |v| erf(v as f64) as i64),
        U::Shrink { bias, lambd } => {
            let shrink = move |v: f64| {
                if v < -lambd {
                    v + bias
                } else if v > lambd {
                    v - bias
                } else {
                    0.0
                }
            };
            numeric("shrink", x, Accepts::Numeric, shrink, |v| shrink(v as f64) as i64)
        }
        U::Exp => float("exp", x, f64::exp),
        U::Log => float("log", x, f64::ln),
        U::Sqrt => float("sqrt", x, f64::sqrt),
        U::Rsqrt => float("rsqrt", x, |v| 1.0 / v.sqrt()),
        U::Reciprocal => float("reciprocal", x, |v| 1.0 / v),
        U::Floor => float("floor", x, f64::floor),
        U::Ceil => float("ceil", x, f64::ceil),
        U::Round => float("round", x, f64::round_ties_even),
        U::Sin => float("sin", x, f64::sin),
        U::Cos => float("cos", x, f64::cos),
        U::Tan => float("tan", x, f64::tan),
        U::Asin => float("asin", x, f64::asin),
        U::Acos => float("acos", x, f64::acos),
        U::Atan => float("atan", x, f64::atan),
        U::Sinh => float("sinh", x, f64::sinh),
        U::Cosh => float("cosh", x, f64::cosh),
        U::Asinh => float("asinh", x, f64::asinh),
        U::Acosh => float("acosh", x, f64::acosh),
        U::Atanh => float("atanh", x, f64::atanh),
        U::Tanh => float("tanh", x, f64::tanh),
        U::Sigmoid => float("sigmoid", x, sigmoid),
        U::LeakyRelu { alpha } => float("leaky_relu", x, |v| if v < 0.0 { alpha * v } else { v }),
        U::Elu { alpha } => float("elu", x, |v| if v < 0.0 { alpha * v.exp_m1() } else { v }),
        U::Selu { alpha, gamma } => float("selu", x, |v| gamma * if v > 0.0 { v } else { alpha * v.exp_m1() }),
        U::Celu { alpha } => float("celu", x, |v| if v > 0.0 { v } else { alpha * (v / alpha).exp_m1() }),
        U::Gelu { tanh_approximation: false } => {
            float("gelu", x, |v| 0.5 * v * (1.0 + erf(v / std::f64::consts::SQRT_2)))
        }
        U::Gelu { tanh_approximation: true } => float("gelu", x, |v| {
            let inner = (2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v.powi(3));
            0.5 * v * (1.0 + inner.tanh())
        }),
        U::Silu => float("silu", x, |v| v * sigmoid(v)),
        U::HardSigmoid { alpha, beta } => float("hard_sigmoid", x, |v| hard_sigmoid(v, alpha, beta)),
        U::HardSwish => float("hard_swish", x, |v| v * hard_sigmoid(v, 1.0 / 6.0, 0.5)),
        U::Softplus => float("softplus", x, softplus),
        U::Softsign => float("softsign", x, |v| v / (1.0 + v.abs())),
        U::Mish => float("mish", x, |v| v * softplus(v).tanh()),
        U::ThresholdedRelu { alpha } => float("thresholded_relu", x, |v| if v > alpha { v } else { 0.0 }),
        U::IsNan => float_test("is_nan", x, f64::is_nan),
        U::IsInf { detect_negative, detect_positive } => {
            float_test("is_inf", x, |v| v.is_infinite() && if v > 0.0 { detect_positive } else { detect_negative })
        }
        U::Not => {
            check_dtype("not", x.dtype(), Accepts::Bool)?;
            let values = x.to_bool().into_iter().map(|b| !b).collect();
            Tensor::new(x.shape().to_vec(), Data::Bool(values))
        }
        U::BitwiseNot => {
            check_dtype("bitwise_not", x.dtype(), Accepts::Integer)?;
            map_int(x, |v| !v)
        }
    }
}

/// A float-only op: rejects other element types, then maps in `f64`.
fn float(name: &str, x: &Tensor, f: impl Fn(f64) -> f64) -> Result<Tensor> {
    check_dtype(name, x.dtype(), Accepts::Float)?;
    map_float(x, f)
}

/// An op on the numeric types in `accepts`: floats map through `f`, integers through `g`.
fn numeric(name: &str, x: &Tensor, accepts: Accepts, f: impl Fn(f64) -> f64, g: impl Fn(i64) -> i64) -> Result<Tensor> {
    check_dtype(name, x.dtype(), accepts)?;
    if x.dtype().is_float() { map_float(x, f) } else { map_int(x, g) }
}

/// A float-only predicate with a Bool result.
fn float_test(name: &str, x: &Tensor, f: impl Fn(f64) -> bool) -> Result<Tensor> {
    check_dtype(name, x.dtype(), Accepts::Float)?;
    Tensor::new(x.shape().to_vec(), Data::Bool(x.to_f64().into_iter().map(f).collect()))
}

fn map_float(x: &Tensor, f: impl Fn(f64) -> f64) -> Result<Tensor> {
    let values: Vec<f64> = x.to_f64().into_iter().map(f).collect();
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &values)
}

fn map_int(x: &Tensor, g: impl Fn(i64) -> i64) -> Result<Tensor> {
    let values: Vec<i64> = x.to_i64().into_iter().map(g).collect();
    Tensor::from_i64(x.dtype(), x.shape().to_vec(), &values)
}

/// ONNX `Clip` on one value: raise to `min`, then lower to `max` (NaN passes through).
fn clip<T: PartialOrd + Copy>(v: T, min: Option<T>, max: Option<T>) -> T {
    let v = match min {
        Some(lo) if v < lo => lo,
        _ => v,
    };
    match max {
        Some(hi) if v > hi => hi,
        _ => v,
    }
}

/// -1, 0 or 1 by the sign of `v`; zeros and NaN are returned unchanged.
fn float_sign(v: f64) -> f64 {
    if v > 0.0 {
        1.0
    } else if v < 0.0 {
        -1.0
    } else {
        v
    }
}

fn sigmoid(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

fn hard_sigmoid(v: f64, alpha: f64, beta: f64) -> f64 {
    (alpha * v + beta).clamp(0.0, 1.0)
}

/// `ln(1 + exp(v))` in the overflow-free form `max(v, 0) + ln(1 + exp(-|v|))`.
fn softplus(v: f64) -> f64 {
    v.max(0.0) + (-v.abs()).exp().ln_1p()
}

/// The error function, from the everywhere-convergent series
/// `erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1))`, whose terms are
/// all of one sign (so no cancellation). For `|x| >= 6`, `erf(x)` is `±1` to `f64` precision.
pub fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.abs() >= 6.0 {
        return x.signum();
    }
    let (mut term, mut sum, mut n) = (x, x, 0.0);
    while term.abs() > sum.abs() * 1e-17 {
        n += 1.0;
        term *= 2.0 * x * x / (2.0 * n + 1.0);
        sum += term;
    }
    2.0 / std::f64::consts::PI.sqrt() * (-x * x).exp() * sum
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;
    use crate::testutil::assert_close;

    fn f32s(values: &[f64]) -> Tensor {
        Tensor::from_f64(DType::F32, vec![values.len()], values).unwrap()
    }

    fn run(op: UnaryOp, values: &[f64]) -> Vec<f64> {
        unary(&op, &f32s(values)).unwrap().to_f64()
    }

    #[test]
    fn basic_math() {
        // Inputs are exactly representable in f32, outputs rounded to f32 then compared.
        assert_close(&run(UnaryOp::Abs, &[-1.5, 2.0]), &[1.5, 2.0]);
        assert_close(&run(UnaryOp::Neg, &[-1.5, 2.0]), &[1.5, -2.0]);
        assert_close(&run(UnaryOp::Sqrt, &[4.0, 2.0]), &[2.0, std::f64::consts::SQRT_2]);
        assert_close(&run(UnaryOp::Rsqrt, &[4.0, 0.25]), &[0.5, 2.0]);
        assert_close(&run(UnaryOp::Reciprocal, &[4.0, -0.5]), &[0.25, -2.0]);
        assert_close(&run(UnaryOp::Exp, &[0.0, 1.0]), &[1.0, std::f64::consts::E]);
        assert_close(&run(UnaryOp::Log, &[1.0, 0.0, -1.0]), &[0.0, f64::NEG_INFINITY, f64::NAN]);
        assert_close(&run(UnaryOp::Floor, &[-1.5, 1.5]), &[-2.0, 1.0]);
        assert_close(&run(UnaryOp::Ceil, &[-1.5, 1.5]), &[-1.0, 2.0]);
        // Half to even: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2, 2.6 -> 3.
        assert_close(&run(UnaryOp::Round, &[0.5, 1.5, 2.5, -2.5, 2.6]), &[0.0, 2.0, 2.0, -2.0, 3.0]);
        assert_close(&run(UnaryOp::Sign, &[-3.0, 0.0, 2.0, f64::NAN]), &[-1.0, 0.0, 1.0, f64::NAN]);
    }

    #[test]
    fn trigonometry_and_hyperbolics() {
        // Expected values from Python's math module (math.sin(0.5), ...).
        let x = [0.5];
        assert_close(&run(UnaryOp::Sin, &x), &[0.479425538604203]);
        assert_close(&run(UnaryOp::Cos, &x), &[0.8775825618903728]);
        assert_close(&run(UnaryOp::Tan, &x), &[0.5463024898437905]);
        assert_close(&run(UnaryOp::Asin, &x), &[std::f64::consts::FRAC_PI_6]);
        assert_close(&run(UnaryOp::Acos, &x), &[std::f64::consts::FRAC_PI_3]);
        assert_close(&run(UnaryOp::Atan, &x), &[0.4636476090008061]);
        assert_close(&run(UnaryOp::Sinh, &x), &[0.5210953054937474]);
        assert_close(&run(UnaryOp::Cosh, &x), &[1.1276259652063807]);
        assert_close(&run(UnaryOp::Tanh, &x), &[0.46211715726000974]);
        assert_close(&run(UnaryOp::Asinh, &x), &[0.48121182505960347]);
        assert_close(&run(UnaryOp::Atanh, &x), &[0.5493061443340548]);
        assert_close(&run(UnaryOp::Acosh, &[2.0]), &[1.3169578969248166]);
    }

    #[test]
    fn erf_matches_python_math_erf() {
        // From Python: [math.erf(v) for v in (-3, -0.5, 0, 0.1, 1, 2.5, 5.9, 7)].
        let x = [-3.0, -0.5, 0.0, 0.1, 1.0, 2.5, 5.9, 7.0];
        let expected = [
            -0.9999779095030014,
            -0.5204998778130465,
            0.0,
            0.1124629160182849,
            0.8427007929497149,
            0.999593047982555,
            0.9999999999999999,
            1.0,
        ];
        for (&v, &e) in x.iter().zip(&expected) {
            assert!((erf(v) - e).abs() <= 1e-15, "erf({v}) = {} vs {e}", erf(v));
        }
        assert_close(&run(UnaryOp::Erf, &[1.0]), &[0.8427007929497149]);
        // Integer erf truncates toward zero: every |erf| < 1 becomes 0.
        let ints = Tensor::from(vec![-3i64, 0, 2]);
        assert_eq!(unary(&UnaryOp::Erf, &ints).unwrap().to_i64(), vec![0, 0, 0]);
    }

    #[test]
    fn activations() {
        let x = [-2.0, -0.5, 0.0, 1.0, 3.0];
        // Expected values computed in Python (math.exp, math.tanh, math.erf, math.log1p).
        assert_close(&run(UnaryOp::Relu, &x), &[0.0, 0.0, 0.0, 1.0, 3.0]);
        assert_close(
            &run(UnaryOp::Sigmoid, &x),
            &[0.11920292202211755, 0.3775406687981454, 0.5, 0.7310585786300049, 0.9525741268224334],
        );
        // 0.01 * x for negative x.
        assert_close(&run(UnaryOp::LEAKY_RELU, &x), &[-0.02, -0.005, 0.0, 1.0, 3.0]);
        // exp(x) - 1 for negative x.
        assert_close(&run(UnaryOp::ELU, &x), &[-0.8646647167633873, -0.3934693402873666, 0.0, 1.0, 3.0]);
        // 1.0507 * x for x > 0, 1.0507 * 1.6733 * (exp(x) - 1) otherwise.
        assert_close(
            &run(UnaryOp::SELU, &x),
            &[-1.5201664733475926, -0.6917581899652425, 0.0, 1.0507010221481323, 3.152103066444397],
        );
        // alpha = 2: 2 * (exp(x / 2) - 1) for x <= 0.
        assert_close(
            &run(UnaryOp::Celu { alpha: 2.0 }, &x),
            &[-1.2642411176571153, -0.44239843385719024, 0.0, 1.0, 3.0],
        );
        // 0.5 * x * (1 + erf(x / sqrt(2))).
        assert_close(
            &run(UnaryOp::GELU, &x),
            &[-0.04550026389635842, -0.15426876936299344, 0.0, 0.8413447460685429, 2.99595030590511],
        );
        // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
        assert_close(
            &run(UnaryOp::Gelu { tanh_approximation: true }, &x),
            &[-0.04540230591222494, -0.15428599017485606, 0.0, 0.8411919906082768, 2.996362607918227],
        );
        // x * sigmoid(x).
        assert_close(
            &run(UnaryOp::Silu, &x),
            &[-0.2384058440442351, -0.1887703343990727, 0.0, 0.7310585786300049, 2.8577223804673],
        );
        // clamp(0.2 * x + 0.5, 0, 1).
        assert_close(&run(UnaryOp::HARD_SIGMOID, &x), &[0.1, 0.4, 0.5, 0.7, 1.0]);
        // x * clamp(x / 6 + 0.5, 0, 1).
        assert_close(
            &run(UnaryOp::HardSwish, &x),
            &[-0.33333333333333337, -0.20833333333333334, 0.0, 0.6666666666666666, 3.0],
        );
        // log(1 + exp(x)).
        assert_close(
            &run(UnaryOp::Softplus, &x),
            &[0.1269280110429725, 0.4740769841801067, std::f64::consts::LN_2, 1.3132616875182228, 3.048587351573742],
        );
        assert_close(&run(UnaryOp::Softplus, &[1000.0, -1000.0]), &[1000.0, 0.0]);
        assert_close(&run(UnaryOp::Softsign, &x), &[-2.0 / 3.0, -1.0 / 3.0, 0.0, 0.5, 0.75]);
        // x * tanh(log(1 + exp(x))).
        assert_close(
            &run(UnaryOp::Mish, &x),
            &[-0.2525014826957089, -0.22074377465173, 0.0, 0.8650983882673103, 2.986535004967957],
        );
        assert_close(&run(UnaryOp::THRESHOLDED_RELU, &x), &[0.0, 0.0, 0.0, 0.0, 3.0]);
        // bias 1, lambd 0.5: x + 1 below -0.5, x - 1 above 0.5, else 0.
        assert_close(&run(UnaryOp::Shrink { bias: 1.0, lambd: 0.5 }, &x), &[-1.0, 0.0, 0.0, 0.0, 2.0]);
    }

    #[test]
    fn clip_bounds_and_integers() {
        let x = [-2.0, 0.5, 3.0, f64::NAN];
        assert_close(&run(UnaryOp::Clip { min: Some(0.0), max: Some(1.0) }, &x), &[0.0, 0.5, 1.0, f64::NAN]);
        assert_close(&run(UnaryOp::Clip { min: None, max: Some(1.0) }, &x), &[-2.0, 0.5, 1.0, f64::NAN]);
        // min > max: everything becomes max.
        assert_close(&run(UnaryOp::Clip { min: Some(2.0), max: Some(1.0) }, &x[..3]), &[1.0, 1.0, 1.0]);
        let ints = Tensor::from_i64(DType::U8, vec![3], &[0, 100, 255]).unwrap();
        let clipped = unary(&UnaryOp::Clip { min: Some(10.0), max: Some(200.0) }, &ints).unwrap();
        assert_eq!(clipped.dtype(), DType::U8);
        assert_eq!(clipped.to_i64(), vec![10, 100, 200]);
    }

    #[test]
    fn integers_compute_in_i64_and_wrap() {
        let x = Tensor::from_i64(DType::I8, vec![4], &[-128, -5, 0, 7]).unwrap();
        // |-128| = 128 and -(-128) = 128 both wrap to -128 in i8.
        assert_eq!(unary(&UnaryOp::Abs, &x).unwrap().to_i64(), vec![-128, 5, 0, 7]);
        assert_eq!(unary(&UnaryOp::Neg, &x).unwrap().to_i64(), vec![-128, 5, 0, -7]);
        assert_eq!(unary(&UnaryOp::Sign, &x).unwrap().to_i64(), vec![-1, -1, 0, 1]);
        assert_eq!(unary(&UnaryOp::Relu, &x).unwrap().to_i64(), vec![0, 0, 0, 7]);
        let u = Tensor::from_i64(DType::U8, vec![2], &[5, 0]).unwrap();
        // !5 = 0b1111_1010 = 250 in u8.
        assert_eq!(unary(&UnaryOp::BitwiseNot, &u).unwrap().to_i64(), vec![250, 255]);
        assert_eq!(unary(&UnaryOp::BitwiseNot, &x).unwrap().to_i64(), vec![127, 4, -1, -8]);
    }

    #[test]
    fn predicates_and_not() {
        let x = f32s(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.0]);
        assert_eq!(unary(&UnaryOp::IsNan, &x).unwrap().to_bool(), vec![true, false, false, false]);
        assert_eq!(unary(&UnaryOp::IS_INF, &x).unwrap().to_bool(), vec![false, true, true, false]);
        let only_negative = UnaryOp::IsInf { detect_negative: true, detect_positive: false };
        assert_eq!(unary(&only_negative, &x).unwrap().to_bool(), vec![false, false, true, false]);
        let b = Tensor::new(vec![2], Data::Bool(vec![true, false])).unwrap();
        assert_eq!(unary(&UnaryOp::Not, &b).unwrap().to_bool(), vec![false, true]);
    }

    #[test]
    fn half_precision_rounds_once() {
        let x = Tensor::from_f64(DType::F16, vec![2], &[2.0, 3.0]).unwrap();
        let y = unary(&UnaryOp::Sqrt, &x).unwrap();
        assert_eq!(y.dtype(), DType::F16);
        // sqrt(2) = 1.41421..., nearest f16 is 1.4140625; sqrt(3) = 1.73205..., nearest is 1.732421875.
        assert_eq!(y.to_f64(), vec![1.4140625, 1.732421875]);
        let b = Tensor::from_f64(DType::BF16, vec![1], &[1.0]).unwrap();
        assert_eq!(unary(&UnaryOp::Exp, &b).unwrap().to_f64(), vec![2.71875]); // e in bf16
    }

    #[test]
    fn rejects_unsupported_element_types() {
        let ints = Tensor::from(vec![1i64, 4]);
        assert_eq!(
            unary(&UnaryOp::Sqrt, &ints).unwrap_err().0,
            "sqrt: element type I64 is not supported; expected a floating-point tensor"
        );
        let u = Tensor::from_i64(DType::U8, vec![1], &[1]).unwrap();
        assert!(unary(&UnaryOp::Neg, &u).unwrap_err().0.contains("expected a floating-point or signed integer tensor"));
        assert!(unary(&UnaryOp::Not, &ints).is_err());
        assert!(unary(&UnaryOp::BitwiseNot, &f32s(&[1.0])).is_err());
        let b = Tensor::new(vec![1], Data::Bool(vec![true])).unwrap();
        assert!(unary(&UnaryOp::Abs, &b).unwrap_err().0.contains("expected a numeric tensor"));
    }
}
