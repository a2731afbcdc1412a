//! The epilogue step grammar of the fused `nn` ops (`fused_conv`, `fused_matmul` epilogues and
//! `fused_elementwise` steps), parsed in this one place into [`Step`]s, and [`apply`], the
//! reference semantics: each step is the reference kernel of the `nn` op it stands for.
//!
//! A step is one string of whitespace-separated tokens:
//! - unary: `relu`, `sigmoid`, `tanh`, `exp`, `neg`, `abs`, `sqrt`, `reciprocal`, `erf`, `silu`,
//!   `gelu` (erf form), `gelu_tanh`, `hard_swish`, `mish`, `softplus`, `hard_sigmoid <alpha>
//!   <beta>`, `leaky_relu <alpha>`, `clip <lo> <hi>` (`-inf`/`inf` allowed), `elu <alpha>`;
//! - binary: `add $k`, `sub $k`, `mul $k`, `div $k`, `max $k`, `min $k`, `pow $k`, optionally
//!   followed by `swap` (`operand_k OP acc` instead of `acc OP operand_k`); `$k` indexes the op's
//!   operands, counting all of them from 0.
//!
//! [`Step`]'s `Display` prints the canonical text, which parses back to the same step.

use crate::binary::{BinaryOp, binary};
use crate::unary::{UnaryOp, unary};
use crate::{KernelError, Result, Tensor, bail};
use std::fmt;

/// A unary step: an activation or math function with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    Relu,
    Sigmoid,
    Tanh,
    Exp,
    Neg,
    Abs,
    Sqrt,
    Reciprocal,
    Erf,
    Silu,
    /// `x * Phi(x)` with the erf form of Phi (`nn.gelu`, `approximate = "none"`).
    Gelu,
    /// `nn.gelu` with `approximate = "tanh"`.
    GeluTanh,
    HardSwish,
    Mish,
    Softplus,
    HardSigmoid {
        alpha: f64,
        beta: f64,
    },
    LeakyRelu {
        alpha: f64,
    },
    /// Clamps to `[lo, hi]`; infinite bounds do not clamp.
    Clip {
        lo: f64,
        hi: f64,
    },
    Elu {
        alpha: f64,
    },
}

impl Activation {
    /// The reference kernel op this step runs.
    pub fn unary_op(self) -> UnaryOp {
        use Activation as A;
        match self {
            A::Relu => UnaryOp::Relu,
            A::Sigmoid => UnaryOp::Sigmoid,
            A::Tanh => UnaryOp::Tanh,
            A::Exp => UnaryOp::Exp,
            A::Neg => UnaryOp::Neg,
            A::Abs => UnaryOp::Abs,
            A::Sqrt => UnaryOp::Sqrt,
            A::Reciprocal => UnaryOp::Reciprocal,
            A::Erf => UnaryOp::Erf,
            A::Silu => UnaryOp::Silu,
            A::Gelu => UnaryOp::Gelu { tanh_approximation: false },
            A::GeluTanh => UnaryOp::Gelu { tanh_approximation: true },
            A::HardSwish => UnaryOp::HardSwish,
            A::Mish => UnaryOp::Mish,
            A::Softplus => UnaryOp::Softplus,
            A::HardSigmoid { alpha, beta } => UnaryOp::HardSigmoid { alpha, beta },
            A::LeakyRelu { alpha } => UnaryOp::LeakyRelu { alpha },
            A::Clip { lo, hi } => UnaryOp::Clip { min: Some(lo), max: Some(hi) },
            A::Elu { alpha } => UnaryOp::Elu { alpha },
        }
    }

    fn name(self) -> &'static str {
        use Activation as A;
        match self {
            A::Relu => "relu",
            A::Sigmoid => "sigmoid",
            A::Tanh => "tanh",
            A::Exp => "exp",
            A::Neg => "neg",
            A::Abs => "abs",
            A::Sqrt => "sqrt",
            A::Reciprocal => "reciprocal",
            A::Erf => "erf",
            A::Silu => "silu",
            A::Gelu => "gelu",
            A::GeluTanh => "gelu_tanh",
            A::HardSwish => "hard_swish",
            A::Mish => "mish",
            A::Softplus => "softplus",
            A::HardSigmoid { .. } => "hard_sigmoid",
            A::LeakyRelu { .. } => "leaky_relu",
            A::Clip { .. } => "clip",
            A::Elu { .. } => "elu",
        }
    }

    /// The numeric parameters, in their textual order.
    fn params(self) -> Vec<f64> {
        match self {
            Activation::HardSigmoid { alpha, beta } => vec![alpha, beta],
            Activation::LeakyRelu { alpha } | Activation::Elu { alpha } => vec![alpha],
            Activation::Clip { lo, hi } => vec![lo, hi],
            _ => vec![],
        }
    }
}

/// The binary operators of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Max,
    Min,
    Pow,
}

impl Binary {
    const ALL: [Binary; 7] =
        [Binary::Add, Binary::Sub, Binary::Mul, Binary::Div, Binary::Max, Binary::Min, Binary::Pow];

    /// The reference kernel op this operator runs.
    pub fn binary_op(self) -> BinaryOp {
        match self {
            Binary::Add => BinaryOp::Add,
            Binary::Sub => BinaryOp::Sub,
            Binary::Mul => BinaryOp::Mul,
            Binary::Div => BinaryOp::Div,
            Binary::Max => BinaryOp::Max,
            Binary::Min => BinaryOp::Min,
            Binary::Pow => BinaryOp::Pow,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Binary::Add => "add",
            Binary::Sub => "sub",
            Binary::Mul => "mul",
            Binary::Div => "div",
            Binary::Max => "max",
            Binary::Min => "min",
            Binary::Pow => "pow",
        }
    }
}

/// One parsed step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// `acc = f(acc)`.
    Unary(Activation),
    /// `acc = acc OP operand` (with `swap`: `operand OP acc`), `operand` indexing the op's operands.
    Binary { op: Binary, operand: usize, swap: bool },
}

impl Step {
    /// Parses one step; the error names the step and the offending token.
    pub fn parse(text: &str) -> Result<Step> {
        let fail = |what: String| KernelError(format!("step \"{text}\": {what}"));
        let mut tokens = text.split_whitespace();
        let Some(head) = tokens.next() else { return Err(fail("empty step".into())) };
        let step = if let Some(&op) = Binary::ALL.iter().find(|b| b.name() == head) {
            let Some(token) = tokens.next() else { return Err(fail(format!("`{head}` needs an operand like $1"))) };
            let operand = token
                .strip_prefix('$')
                .and_then(|k| k.parse::<usize>().ok())
                .ok_or_else(|| fail(format!("token \"{token}\" is not an operand like $1")))?;
            let swap = match tokens.next() {
                None => false,
                Some("swap") => true,
                Some(other) => return Err(fail(format!("token \"{other}\" is not `swap`"))),
            };
            Step::Binary { op, operand, swap }
        } else {
            let mut number = |name: &str| -> Result<f64> {
                let Some(token) = tokens.next() else { return Err(fail(format!("`{head}` needs <{name}>"))) };
                match token.parse::<f64>() {
                    Ok(v) if !v.is_nan() => Ok(v),
                    _ => Err(fail(format!("token \"{token}\" is not a number (<{name}>)"))),
                }
            };
            use Activation as A;
            let activation = match head {
                "relu" => A::Relu,
                "sigmoid" => A::Sigmoid,
                "tanh" => A::Tanh,
                "exp" => A::Exp,
                "neg" => A::Neg,
                "abs" => A::Abs,
                "sqrt" => A::Sqrt,
                "reciprocal" => A::Reciprocal,
                "erf" => A::Erf,
                "silu" => A::Silu,
                "gelu" => A::Gelu,
                "gelu_tanh" => A::GeluTanh,
                "hard_swish" => A::HardSwish,
                "mish" => A::Mish,
                "softplus" => A::Softplus,
                "hard_sigmoid" => A::HardSigmoid { alpha: number("alpha")?, beta: number("beta")? },
                "leaky_relu" => A::LeakyRelu { alpha: number("alpha")? },
                "clip" => A::Clip { lo: number("lo")?, hi: number("hi")? },
                "elu" => A::Elu { alpha: number("alpha")? },
                other => return Err(fail(format!("unknown step \"{other}\""))),
            };
            Step::Unary(activation)
        };
        if let Some(extra) = tokens.next() {
            return Err(fail(format!("unexpected token \"{extra}\"")));
        }
        Ok(step)
    }

    /// The operand a binary step reads.
    pub fn operand(&self) -> Option<usize> {
        match *self {
            Step::Binary { operand, .. } => Some(operand),
            Step::Unary(_) => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Step::Unary(a) => {
                f.write_str(a.name())?;
                for p in a.params() {
                    write!(f, " {p}")?;
                }
                Ok(())
            }
            Step::Binary { op, operand, swap } => {
                write!(f, "{} ${operand}", op.name())?;
                if swap { f.write_str(" swap") } else { Ok(()) }
            }
        }
    }
}

/// Parses a list of steps; the error names the step's position.
pub fn parse_steps(steps: &[String]) -> Result<Vec<Step>> {
    steps.iter().enumerate().map(|(i, s)| Step::parse(s).map_err(|e| KernelError(format!("#{i}: {}", e.0)))).collect()
}

/// Applies `steps` to `acc` in order, each through the reference kernel of its `nn` op (so each
/// step rounds to the element type, as the unfused ops do); binary steps read `operands[k]`, which
/// must broadcast to `acc`'s shape.
pub fn apply(steps: &[Step], acc: Tensor, operands: &[&Tensor]) -> Result<Tensor> {
    let mut acc = acc;
    for step in steps {
        acc = match *step {
            Step::Unary(a) => unary(&a.unary_op(), &acc)?,
            Step::Binary { op, operand, swap } => {
                let Some(&other) = operands.get(operand) else {
                    bail!("step \"{step}\": operand ${operand} is out of range ({} operands)", operands.len())
                };
                let result =
                    if swap { binary(op.binary_op(), other, &acc)? } else { binary(op.binary_op(), &acc, other)? };
                if result.shape() != acc.shape() {
                    bail!(
                        "step \"{step}\": operand ${operand} of shape {:?} grows the result {:?}",
                        other.shape(),
                        acc.shape()
                    );
                }
                result
            }
        };
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{assert_close, ramp};

    fn parse(text: &str) -> Step {
        Step::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        Step::parse(text).unwrap_err().0
    }

    #[test]
    fn every_token_form_parses_and_prints_canonically() {
        use Activation as A;
        let cases = [
            ("relu", Step::Unary(A::Relu)),
            ("sigmoid", Step::Unary(A::Sigmoid)),
            ("tanh", Step::Unary(A::Tanh)),
            ("exp", Step::Unary(A::Exp)),
            ("neg", Step::Unary(A::Neg)),
            ("abs", Step::Unary(A::Abs)),
            ("sqrt", Step::Unary(A::Sqrt)),
            ("reciprocal", Step::Unary(A::Reciprocal)),
            ("erf", Step::Unary(A::Erf)),
            ("silu", Step::Unary(A::Silu)),
            ("gelu", Step::Unary(A::Gelu)),
            ("gelu_tanh", Step::Unary(A::GeluTanh)),
            ("hard_swish", Step::Unary(A::HardSwish)),
            ("mish", Step::Unary(A::Mish)),
            ("softplus", Step::Unary(A::Softplus)),
            ("hard_sigmoid 0.2 0.5", Step::Unary(A::HardSigmoid { alpha: 0.2, beta: 0.5 })),
            ("leaky_relu 0.01", Step::Unary(A::LeakyRelu { alpha: 0.01 })),
            ("clip 0 6", Step::Unary(A::Clip { lo: 0.0, hi: 6.0 })),
            ("clip -inf 6.5", Step::Unary(A::Clip { lo: f64::NEG_INFINITY, hi: 6.5 })),
            ("clip -1 inf", Step::Unary(A::Clip { lo: -1.0, hi: f64::INFINITY })),
            ("elu 1", Step::Unary(A::Elu { alpha: 1.0 })),
            ("add $2", Step::Binary { op: Binary::Add, operand: 2, swap: false }),
            ("sub $3 swap", Step::Binary { op: Binary::Sub, operand: 3, swap: true }),
            ("mul $0", Step::Binary { op: Binary::Mul, operand: 0, swap: false }),
            ("div $1 swap", Step::Binary { op: Binary::Div, operand: 1, swap: true }),
            ("max $4", Step::Binary { op: Binary::Max, operand: 4, swap: false }),
            ("min $5", Step::Binary { op: Binary::Min, operand: 5, swap: false }),
            ("pow $2 swap", Step::Binary { op: Binary::Pow, operand: 2, swap: true }),
        ];
        for (text, step) in cases {
            assert_eq!(parse(text), step, "{text}");
            assert_eq!(step.to_string(), text, "canonical text of {text}");
            assert_eq!(parse(&step.to_string()), step);
        }
        // Extra whitespace and other spellings of numbers print canonically.
        assert_eq!(parse("  leaky_relu\t1e-1 ").to_string(), "leaky_relu 0.1");
        assert_eq!(parse("clip -INF 6.0").to_string(), "clip -inf 6");
        assert_eq!(parse("add $1").operand(), Some(1));
        assert_eq!(parse("relu").operand(), None);
    }

    #[test]
    fn malformed_steps_name_the_step_and_token() {
        assert_eq!(error(""), "step \"\": empty step");
        assert_eq!(error("rellu"), "step \"rellu\": unknown step \"rellu\"");
        assert_eq!(error("relu 1"), "step \"relu 1\": unexpected token \"1\"");
        assert_eq!(error("leaky_relu"), "step \"leaky_relu\": `leaky_relu` needs <alpha>");
        assert_eq!(error("leaky_relu x"), "step \"leaky_relu x\": token \"x\" is not a number (<alpha>)");
        assert_eq!(error("clip 0"), "step \"clip 0\": `clip` needs <hi>");
        assert_eq!(error("clip nan 1"), "step \"clip nan 1\": token \"nan\" is not a number (<lo>)");
        assert_eq!(error("hard_sigmoid 0.2 0.5 1"), "step \"hard_sigmoid 0.2 0.5 1\": unexpected token \"1\"");
        assert_eq!(error("add"), "step \"add\": `add` needs an operand like $1");
        assert_eq!(error("add 2"), "step \"add 2\": token \"2\" is not an operand like $1");
        assert_eq!(error("add $x"), "step \"add $x\": token \"$x\" is not an operand like $1");
        assert_eq!(error("add $-1"), "step \"add $-1\": token \"$-1\" is not an operand like $1");
        assert_eq!(error("mul $1 swp"), "step \"mul $1 swp\": token \"swp\" is not `swap`");
        assert_eq!(error("mul $1 swap swap"), "step \"mul $1 swap swap\": unexpected token \"swap\"");
        let steps = ["relu".to_string(), "tanh 2".to_string()];
        assert_eq!(parse_steps(&steps).unwrap_err().0, "#1: step \"tanh 2\": unexpected token \"2\"");
    }

    #[test]
    fn apply_runs_each_step_as_its_nn_kernel() {
        let x = ramp(&[2, 3], 6, 3.0); // [-3, -2, -1, 0, 1, 2]
        let bias = ramp(&[3], 3, 0.0); // [0, 1, 2]
        let two = Tensor::scalar(crate::DType::F32, 2.0);
        let steps =
            parse_steps(&["add $1".into(), "relu".into(), "sub $2 swap".into(), "leaky_relu 0.5".into()]).unwrap();
        // x + bias = [-3, -1, 1, -3, 2, 4]; relu = [0, 0, 1, 0, 2, 4]; 2 - that = [2, 2, 1, 2, 0, -2];
        // leaky_relu 0.5 = [2, 2, 1, 2, 0, -1].
        let y = apply(&steps, x.clone(), &[&x, &bias, &two]).unwrap();
        assert_eq!(y.shape(), &[2, 3]);
        assert_close(&y.to_f64(), &[2.0, 2.0, 1.0, 2.0, 0.0, -1.0]);
        let clip = parse_steps(&["clip -inf 0.5".into(), "pow $1".into()]).unwrap();
        // min(x, 0.5) = [-3, -2, -1, 0, 0.5, 0.5], then ^[0, 1, 2] per column.
        let y = apply(&clip, x.clone(), &[&x, &bias]).unwrap();
        assert_close(&y.to_f64(), &[1.0, -2.0, 1.0, 1.0, 0.5, 0.25]);
        // Each step is the nn kernel: gelu_tanh is nn.gelu with approximate = "tanh".
        let gelu = apply(&[parse("gelu_tanh")], x.clone(), &[]).unwrap();
        let expected = unary(&UnaryOp::Gelu { tanh_approximation: true }, &x).unwrap();
        assert_eq!(gelu, expected);
        // An operand that would grow the result, or that does not exist, is an error.
        let wide = ramp(&[4, 2, 3], 5, 0.0);
        let err = apply(&[parse("add $0")], x.clone(), &[&wide]).unwrap_err().0;
        assert_eq!(err, "step \"add $0\": operand $0 of shape [4, 2, 3] grows the result [2, 3]");
        let err = apply(&[parse("add $3")], x, &[]).unwrap_err().0;
        assert_eq!(err, "step \"add $3\": operand $3 is out of range (0 operands)");
    }
}
