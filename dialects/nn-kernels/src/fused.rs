//! Reference kernels of the fused `nn` ops, written as compositions of the other reference kernels
//! (so they mean exactly what the unfused ops mean): `fused_conv` (conv in a storage layout, then an
//! epilogue), `fused_matmul`, `fused_elementwise`, and `attention` (`softmax(q kᵀ scale + mask) v`).

use crate::conv::{ConvParams, conv};
use crate::epilogue::{Step, apply};
use crate::matmul::matmul;
use crate::movement::{expand, transpose};
use crate::normalize::softmax;
use crate::{KernelError, Result, Tensor, bail};

/// How a fused conv stores its input and output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvLayout {
    /// N x C x D1 x ... x Dn, as `nn.conv`.
    Nchw,
    /// N x H x W x C (2-D only).
    Nhwc,
    /// `NCHW<k>c`: N x C/k x H x W x k (2-D only), k in {4, 8, 16}.
    Blocked(usize),
}

impl ConvLayout {
    pub fn parse(s: &str) -> Result<ConvLayout> {
        Ok(match s {
            "NCHW" => ConvLayout::Nchw,
            "NHWC" => ConvLayout::Nhwc,
            "NCHW4c" => ConvLayout::Blocked(4),
            "NCHW8c" => ConvLayout::Blocked(8),
            "NCHW16c" => ConvLayout::Blocked(16),
            other => bail!("unknown layout \"{other}\"; expected NCHW, NHWC, NCHW4c, NCHW8c or NCHW16c"),
        })
    }

    /// A stored tensor (input or output of the conv) as N x C x H x W (`nn.conv`'s layout).
    pub fn to_nchw(self, t: &Tensor) -> Result<Tensor> {
        match self {
            ConvLayout::Nchw => Ok(t.clone()),
            ConvLayout::Nhwc => {
                check_rank(t, 4, "NHWC")?;
                transpose(t, Some(&[0, 3, 1, 2]))
            }
            ConvLayout::Blocked(k) => {
                let s = t.shape();
                if t.rank() != 5 || s[4] != k {
                    bail!("layout NCHW{k}c needs N x C/{k} x H x W x {k}, got shape {s:?}");
                }
                let shape = vec![s[0], s[1] * k, s[2], s[3]];
                transpose(t, Some(&[0, 1, 4, 2, 3]))?.reshaped(shape)
            }
        }
    }

    /// An N x C x H x W tensor stored in this layout.
    pub fn from_nchw(self, t: &Tensor) -> Result<Tensor> {
        match self {
            ConvLayout::Nchw => Ok(t.clone()),
            ConvLayout::Nhwc => {
                check_rank(t, 4, "NHWC")?;
                transpose(t, Some(&[0, 2, 3, 1]))
            }
            ConvLayout::Blocked(k) => {
                check_rank(t, 4, "blocked")?;
                let s = t.shape();
                if !s[1].is_multiple_of(k) {
                    bail!("layout NCHW{k}c needs a channel count divisible by {k}, got {}", s[1]);
                }
                let split = t.clone().reshaped(vec![s[0], s[1] / k, k, s[2], s[3]])?;
                transpose(&split, Some(&[0, 1, 3, 4, 2]))
            }
        }
    }
}

fn check_rank(t: &Tensor, rank: usize, layout: &str) -> Result<()> {
    if t.rank() != rank {
        bail!("layout {layout} needs a rank-{rank} tensor, got shape {:?}", t.shape());
    }
    Ok(())
}

/// `nn.fused_conv`: `epilogue(conv(x, w, b))` with x and the result stored in `layout` (the
/// weight is always M x C/group x k1 x ...). `operands` are all of the op's operands, which the
/// epilogue's `$k` index; extras broadcast against the stored result.
pub fn fused_conv(
    x: &Tensor,
    w: &Tensor,
    b: Option<&Tensor>,
    params: &ConvParams,
    layout: ConvLayout,
    epilogue: &[Step],
    operands: &[&Tensor],
) -> Result<Tensor> {
    let y = conv(&layout.to_nchw(x)?, w, b, params)?;
    apply(epilogue, layout.from_nchw(&y)?, operands)
}

/// `t` with its last two axes swapped (rank at least 2).
fn swap_last_two(t: &Tensor) -> Result<Tensor> {
    let r = t.rank();
    if r < 2 {
        bail!("only operands of rank 2 or more can be transposed, got shape {:?}", t.shape());
    }
    let mut perm: Vec<i64> = (0..r as i64).collect();
    perm.swap(r - 2, r - 1);
    transpose(t, Some(&perm))
}

/// `nn.fused_matmul`: `epilogue(matmul(a', b'))`, a' and b' being a and b with their last two axes
/// swapped when `trans_a` / `trans_b` are set.
pub fn fused_matmul(
    a: &Tensor,
    b: &Tensor,
    (trans_a, trans_b): (bool, bool),
    epilogue: &[Step],
    operands: &[&Tensor],
) -> Result<Tensor> {
    let a = if trans_a { swap_last_two(a)? } else { a.clone() };
    let b = if trans_b { swap_last_two(b)? } else { b.clone() };
    apply(epilogue, matmul(&a, &b)?, operands)
}

/// `nn.fused_elementwise`: `inputs[0]` broadcast to the shape of all inputs, then `steps`.
pub fn fused_elementwise(inputs: &[&Tensor], steps: &[Step]) -> Result<Tensor> {
    let Some(first) = inputs.first() else { bail!("fused_elementwise: needs at least one input") };
    let shape = crate::shape::broadcast_shapes(&inputs.iter().map(|t| t.shape()).collect::<Vec<_>>())?;
    let acc = expand(first, &shape.iter().map(|&d| d as i64).collect::<Vec<_>>())?;
    apply(steps, acc, inputs)
}

/// `nn.attention`: `softmax(q kᵀ * scale + mask, last axis) v` with q [..., Sq, D], k [..., Sk, D],
/// v [..., Sk, Dv], the leading axes broadcast numpy-style; `scale` defaults to `1 / sqrt(D)`.
pub fn attention(q: &Tensor, k: &Tensor, v: &Tensor, mask: Option<&Tensor>, scale: Option<f64>) -> Result<Tensor> {
    let op = "attention";
    if q.rank() < 2 || k.rank() < 2 || v.rank() < 2 {
        bail!("{op}: q, k and v need rank 2 or more, got {:?}, {:?} and {:?}", q.shape(), k.shape(), v.shape());
    }
    let d = q.shape()[q.rank() - 1];
    let scale = scale.unwrap_or(1.0 / (d as f64).sqrt());
    let in_op = |e: KernelError| KernelError(format!("{op}: {}", e.0));
    let scores = matmul(q, &swap_last_two(k)?).map_err(in_op)?;
    let mut scores =
        crate::binary::binary(crate::binary::BinaryOp::Mul, &scores, &Tensor::scalar(scores.dtype(), scale))?;
    if let Some(mask) = mask {
        let masked = crate::binary::binary(crate::binary::BinaryOp::Add, &scores, mask).map_err(in_op)?;
        if masked.shape() != scores.shape() {
            bail!("{op}: mask of shape {:?} does not broadcast to the scores {:?}", mask.shape(), scores.shape());
        }
        scores = masked;
    }
    let probs = softmax(&scores, -1)?;
    matmul(&probs, v).map_err(in_op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::ramp;

    #[test]
    fn layouts_store_nchw_elements_where_their_names_say() {
        // x[n, c, h, w] = flat index in a 1 x 8 x 2 x 3 tensor.
        let x = ramp(&[1, 8, 2, 3], 1000, 0.0);
        let at = |t: &Tensor, i: usize| t.to_f64()[i];
        let nhwc = ConvLayout::Nhwc.from_nchw(&x).unwrap();
        assert_eq!(nhwc.shape(), &[1, 2, 3, 8]);
        // x[0, 5, 1, 2] = 5 * 6 + 1 * 3 + 2 = 35 sits at [0, 1, 2, 5] = (1 * 3 + 2) * 8 + 5.
        assert_eq!(at(&nhwc, 45), 35.0);
        let blocked = ConvLayout::Blocked(4).from_nchw(&x).unwrap();
        assert_eq!(blocked.shape(), &[1, 2, 2, 3, 4]);
        // Channel 5 is block 1, lane 1: [0, 1, 1, 2, 1] = ((1 * 2 + 1) * 3 + 2) * 4 + 1.
        assert_eq!(at(&blocked, 45), 35.0);
        for layout in [ConvLayout::Nchw, ConvLayout::Nhwc, ConvLayout::Blocked(4), ConvLayout::Blocked(8)] {
            let stored = layout.from_nchw(&x).unwrap();
            assert_eq!(layout.to_nchw(&stored).unwrap(), x, "{layout:?}");
        }
        assert_eq!(ConvLayout::parse("NCHW16c").unwrap(), ConvLayout::Blocked(16));
        assert_eq!(
            ConvLayout::parse("NCHW2c").unwrap_err().0,
            "unknown layout \"NCHW2c\"; expected NCHW, NHWC, NCHW4c, NCHW8c or NCHW16c"
        );
        let err = ConvLayout::Blocked(16).from_nchw(&x).unwrap_err().0;
        assert_eq!(err, "layout NCHW16c needs a channel count divisible by 16, got 8");
        let err = ConvLayout::Blocked(8).to_nchw(&blocked).unwrap_err().0;
        assert_eq!(err, "layout NCHW8c needs N x C/8 x H x W x 8, got shape [1, 2, 2, 3, 4]");
    }
}
