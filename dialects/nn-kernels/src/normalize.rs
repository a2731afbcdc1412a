//! Normalisation kernels: softmax family, batch/instance/layer/group norms, LRN,
//! mean-variance and Lp normalisation. Norms return only their primary output `Y`.

use crate::reduce::{extreme_position, float_wins};
use crate::shape::{broadcast_indices, broadcast_shapes};
use crate::support::{self, Accepts, axis_mask, check_dtype, groups, in_op, lines, nan_max};
use crate::{Result, Tensor, bail};

/// ONNX `Softmax` (opset 13): `exp(x) / sum(exp(x))` along `axis` (ONNX default -1).
pub fn softmax(x: &Tensor, axis: i64) -> Result<Tensor> {
    map_lines("softmax", x, axis, |v| {
        let max = v.iter().copied().fold(f64::NEG_INFINITY, nan_max);
        let exps: Vec<f64> = v.iter().map(|&x| (x - max).exp()).collect();
        let sum: f64 = exps.iter().sum();
        exps.iter().map(|e| e / sum).collect()
    })
}

/// ONNX `LogSoftmax` (opset 13): `x - ln(sum(exp(x)))` along `axis` (ONNX default -1).
pub fn log_softmax(x: &Tensor, axis: i64) -> Result<Tensor> {
    map_lines("log_softmax", x, axis, |v| {
        let max = v.iter().copied().fold(f64::NEG_INFINITY, nan_max);
        let log_sum = v.iter().map(|&x| (x - max).exp()).sum::<f64>().ln();
        v.iter().map(|&x| x - max - log_sum).collect()
    })
}

/// ONNX `Hardmax` (opset 13): 1 at the first maximum along `axis` (ONNX default -1), 0 elsewhere.
pub fn hardmax(x: &Tensor, axis: i64) -> Result<Tensor> {
    map_lines("hardmax", x, axis, |v| {
        let winner = extreme_position(v, |a, b| float_wins(a, b, true), false);
        (0..v.len()).map(|i| if i == winner { 1.0 } else { 0.0 }).collect()
    })
}

/// ONNX `LpNormalization`: `x / ||x||_p` along `axis` (ONNX defaults: axis -1, p 2), for p 1 or 2;
/// a zero norm gives 0 (as the ONNX reference implementation does).
pub fn lp_normalization(x: &Tensor, axis: i64, p: i64) -> Result<Tensor> {
    let norm: fn(&[f64]) -> f64 = match p {
        1 => |v| v.iter().map(|x| x.abs()).sum(),
        2 => |v| v.iter().map(|x| x * x).sum::<f64>().sqrt(),
        _ => bail!("lp_normalization: p must be 1 or 2, got {p}"),
    };
    map_lines("lp_normalization", x, axis, |v| {
        let n = norm(v);
        v.iter().map(|&x| if n == 0.0 { 0.0 } else { x / n }).collect()
    })
}

/// Replaces each line of the float tensor `x` along `axis` with `f` of that line.
fn map_lines(name: &str, x: &Tensor, axis: i64, f: impl Fn(&[f64]) -> Vec<f64>) -> Result<Tensor> {
    check_dtype(name, x.dtype(), Accepts::Float)?;
    let axis = support::axis(name, axis, x.rank())?;
    let values = x.to_f64();
    let mut out = vec![0.0; values.len()];
    for line in lines(x.shape(), axis) {
        let line_values: Vec<f64> = line.iter().map(|&i| values[i]).collect();
        for (&i, y) in line.iter().zip(f(&line_values)) {
            out[i] = y;
        }
    }
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// ONNX `BatchNormalization` in inference mode (ONNX default epsilon 1e-5):
/// `(x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c]` for `x` of shape `[N, C, ...]`.
pub fn batch_norm(
    x: &Tensor,
    scale: &Tensor,
    bias: &Tensor,
    mean: &Tensor,
    var: &Tensor,
    epsilon: f64,
) -> Result<Tensor> {
    const NAME: &str = "batch_norm";
    let channel_of = channel_layout(NAME, x)?;
    let c = x.shape()[1];
    let (scale, bias) = (channel_param(NAME, "scale", scale, c)?, channel_param(NAME, "bias", bias, c)?);
    let (mean, var) = (channel_param(NAME, "mean", mean, c)?, channel_param(NAME, "var", var, c)?);
    let out: Vec<f64> = x
        .to_f64()
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let ch = channel_of(i);
            (v - mean[ch]) / (var[ch] + epsilon).sqrt() * scale[ch] + bias[ch]
        })
        .collect();
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// ONNX `InstanceNormalization` (ONNX default epsilon 1e-5): each `[n, c]` slice of `x`
/// (`[N, C, ...]`) is standardised over its spatial elements, then scaled and shifted per channel.
pub fn instance_norm(x: &Tensor, scale: &Tensor, bias: &Tensor, epsilon: f64) -> Result<Tensor> {
    const NAME: &str = "instance_norm";
    let channel_of = channel_layout(NAME, x)?;
    let c = x.shape()[1];
    let (scale, bias) = (channel_param(NAME, "scale", scale, c)?, channel_param(NAME, "bias", bias, c)?);
    let spatial: Vec<bool> = (0..x.rank()).map(|a| a >= 2).collect();
    let normalized = standardize(&x.to_f64(), &groups(x.shape(), &spatial), |var| (var + epsilon).sqrt());
    per_channel_affine(x, &normalized, channel_of, &scale, &bias)
}

/// ONNX `GroupNormalization` (opset 21; ONNX default epsilon 1e-5): the channels of `x`
/// (`[N, C, ...]`) are split into `num_groups` consecutive groups, each standardised over its
/// channels and spatial elements, then scaled and shifted per channel (`scale`, `bias` of shape `[C]`).
pub fn group_norm(x: &Tensor, scale: &Tensor, bias: &Tensor, num_groups: usize, epsilon: f64) -> Result<Tensor> {
    const NAME: &str = "group_norm";
    let channel_of = channel_layout(NAME, x)?;
    let c = x.shape()[1];
    if num_groups == 0 || !c.is_multiple_of(num_groups) {
        bail!("{NAME}: {c} channels cannot be split into {num_groups} equal groups");
    }
    let (scale, bias) = (channel_param(NAME, "scale", scale, c)?, channel_param(NAME, "bias", bias, c)?);
    // Viewed as [N, num_groups, rest], each group is one row.
    let n = x.shape()[0];
    let grouped = [n, num_groups, if n == 0 { 0 } else { x.len() / (n * num_groups) }];
    let normalized = standardize(&x.to_f64(), &groups(&grouped, &[false, false, true]), |var| (var + epsilon).sqrt());
    per_channel_affine(x, &normalized, channel_of, &scale, &bias)
}

/// ONNX `LayerNormalization` (ONNX defaults: axis -1, epsilon 1e-5): standardises `x` over the axes
/// `axis..rank`, then multiplies by `scale` and adds `bias` (absent: 0), both broadcast to `x`.
pub fn layer_norm(x: &Tensor, scale: &Tensor, bias: Option<&Tensor>, axis: i64, epsilon: f64) -> Result<Tensor> {
    const NAME: &str = "layer_norm";
    check_dtype(NAME, x.dtype(), Accepts::Float)?;
    let axis = support::axis(NAME, axis, x.rank())?;
    let scale = broadcast_param(NAME, "scale", scale, x.shape())?;
    let bias = match bias {
        Some(b) => broadcast_param(NAME, "bias", b, x.shape())?,
        None => vec![0.0; x.len()],
    };
    let normalized: Vec<bool> = (0..x.rank()).map(|a| a >= axis).collect();
    let y = standardize(&x.to_f64(), &groups(x.shape(), &normalized), |var| (var + epsilon).sqrt());
    let out: Vec<f64> = y.iter().zip(scale).zip(bias).map(|((v, s), b)| v * s + b).collect();
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// ONNX `RMSNormalization` (opset 23; defaults axis -1, epsilon 1e-5): over the axes `axis..rank`,
/// `x / sqrt(mean(x^2) + epsilon) * scale`, with `scale` broadcast to `x`.
pub fn rms_norm(x: &Tensor, scale: &Tensor, axis: i64, epsilon: f64) -> Result<Tensor> {
    const NAME: &str = "rms_norm";
    check_dtype(NAME, x.dtype(), Accepts::Float)?;
    let axis = support::axis(NAME, axis, x.rank())?;
    let scale = broadcast_param(NAME, "scale", scale, x.shape())?;
    let normalized: Vec<bool> = (0..x.rank()).map(|a| a >= axis).collect();
    let values = x.to_f64();
    let mut out = vec![0.0; values.len()];
    for group in groups(x.shape(), &normalized) {
        let mean_square = group.iter().map(|&i| values[i] * values[i]).sum::<f64>() / group.len() as f64;
        let root = (mean_square + epsilon).sqrt();
        for &i in &group {
            out[i] = values[i] / root * scale[i];
        }
    }
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// The ONNX default `axes` of [`mean_variance_normalization`].
pub const MVN_DEFAULT_AXES: [i64; 3] = [0, 2, 3];

/// ONNX `MeanVarianceNormalization`: `(x - mean) / (sqrt(var) + 1e-9)` with mean and variance
/// taken over `axes` (ONNX default [`MVN_DEFAULT_AXES`]), as in the ONNX function body.
pub fn mean_variance_normalization(x: &Tensor, axes: &[i64]) -> Result<Tensor> {
    const NAME: &str = "mean_variance_normalization";
    check_dtype(NAME, x.dtype(), Accepts::Float)?;
    let reduced = axis_mask(NAME, axes, x.rank())?;
    let out = standardize(&x.to_f64(), &groups(x.shape(), &reduced), |var| var.sqrt() + 1e-9);
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// ONNX `LRN` (ONNX defaults: alpha 1e-4, beta 0.75, bias 1): each element of `x` (`[N, C, ...]`)
/// is divided by `(bias + alpha / size * s)^beta`, `s` being the sum of squares over the channels
/// `c - floor((size - 1) / 2) ..= c + ceil((size - 1) / 2)` that exist.
pub fn lrn(x: &Tensor, size: usize, alpha: f64, beta: f64, bias: f64) -> Result<Tensor> {
    const NAME: &str = "lrn";
    let channel_of = channel_layout(NAME, x)?;
    if size == 0 {
        bail!("{NAME}: size must be at least 1");
    }
    let c = x.shape()[1];
    let inner: usize = x.shape()[2..].iter().product();
    let values = x.to_f64();
    let out: Vec<f64> = (0..values.len())
        .map(|i| {
            let ch = channel_of(i);
            let first = i - ch * inner;
            let (lo, hi) = (ch.saturating_sub((size - 1) / 2), (ch + size / 2).min(c - 1));
            let square_sum: f64 = (lo..=hi).map(|j| values[first + j * inner].powi(2)).sum();
            values[i] / (bias + alpha / size as f64 * square_sum).powf(beta)
        })
        .collect();
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

/// Checks that `x` is a float tensor of shape `[N, C, ...]` and returns the map from a flat index
/// to its channel.
fn channel_layout(name: &str, x: &Tensor) -> Result<impl Fn(usize) -> usize + use<>> {
    check_dtype(name, x.dtype(), Accepts::Float)?;
    if x.rank() < 2 {
        bail!("{name}: input must have shape [N, C, ...], got {:?}", x.shape());
    }
    let c = x.shape()[1];
    let inner: usize = x.shape()[2..].iter().product();
    Ok(move |i: usize| (i / inner) % c)
}

/// The values of a per-channel parameter, which must be a float tensor of shape `[c]`.
fn channel_param(name: &str, what: &str, t: &Tensor, c: usize) -> Result<Vec<f64>> {
    check_dtype(&format!("{name} {what}"), t.dtype(), Accepts::Float)?;
    if t.shape() != [c] {
        bail!("{name}: {what} must have shape [{c}] (one value per channel), got {:?}", t.shape());
    }
    Ok(t.to_f64())
}

/// The values of a float parameter broadcast (one way) to `shape`.
fn broadcast_param(name: &str, what: &str, t: &Tensor, shape: &[usize]) -> Result<Vec<f64>> {
    check_dtype(&format!("{name} {what}"), t.dtype(), Accepts::Float)?;
    if in_op(name, broadcast_shapes(&[shape, t.shape()]))? != shape {
        bail!("{name}: {what} shape {:?} does not broadcast to input shape {shape:?}", t.shape());
    }
    let values = t.to_f64();
    Ok(broadcast_indices(t.shape(), shape).into_iter().map(|i| values[i]).collect())
}

/// Standardises each group of `values` to `(v - mean) / denominator(variance)`, using the group's
/// mean and population variance.
fn standardize(values: &[f64], groups: &[Vec<usize>], denominator: impl Fn(f64) -> f64) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for group in groups {
        let count = group.len() as f64;
        let mean = group.iter().map(|&i| values[i]).sum::<f64>() / count;
        let var = group.iter().map(|&i| (values[i] - mean).powi(2)).sum::<f64>() / count;
        let denom = denominator(var);
        for &i in group {
            out[i] = (values[i] - mean) / denom;
        }
    }
    out
}

/// `normalized * scale[c] + bias[c]` per element, as a tensor shaped like `x`.
fn per_channel_affine(
    x: &Tensor,
    normalized: &[f64],
    channel_of: impl Fn(usize) -> usize,
    scale: &[f64],
    bias: &[f64],
) -> Result<Tensor> {
    let out: Vec<f64> =
        normalized.iter().enumerate().map(|(i, v)| v * scale[channel_of(i)] + bias[channel_of(i)]).collect();
    Tensor::from_f64(x.dtype(), x.shape().to_vec(), &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;
    use crate::testutil::assert_close;

    fn f32t(shape: Vec<usize>, values: &[f64]) -> Tensor {
        Tensor::from_f64(DType::F32, shape, values).unwrap()
    }

    #[test]
    fn softmax_family() {
        let x = f32t(vec![2, 3], &[1.0, 2.0, 3.0, 1.0, 1.0, 1.0]);
        // numpy: e = np.exp(x - x.max(1, keepdims=True)); e / e.sum(1, keepdims=True).
        let expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0];
        assert_close(&softmax(&x, -1).unwrap().to_f64(), &expected);
        let logs: Vec<f64> = expected.iter().map(|p| p.ln()).collect();
        assert_close(&log_softmax(&x, 1).unwrap().to_f64(), &logs);
        // Along axis 0 the columns (1, 1), (2, 1), (3, 1): 1/(1+e^-1) = 0.7310585786300049.
        let s = 0.7310585786300049;
        assert_close(
            &softmax(&x, 0).unwrap().to_f64(),
            &[0.5, s, 0.8807970779778823, 0.5, 1.0 - s, 0.11920292202211755],
        );
        // First maximum wins: row 2 is all ties.
        assert_eq!(hardmax(&x, -1).unwrap().to_f64(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
        // Large inputs do not overflow.
        let big = f32t(vec![2], &[1000.0, 1000.0]);
        assert_close(&softmax(&big, 0).unwrap().to_f64(), &[0.5, 0.5]);
        assert!(softmax(&x, 2).unwrap_err().0.contains("softmax: axis 2 is out of range for rank 2"));
        assert!(softmax(&Tensor::from(vec![1i64]), 0).is_err());
    }

    #[test]
    fn lp_normalization_l1_l2() {
        let x = f32t(vec![2, 2], &[3.0, -4.0, 0.0, 0.0]);
        // Row norms: L2 5, L1 7; the zero row stays zero.
        assert_close(&lp_normalization(&x, -1, 2).unwrap().to_f64(), &[0.6, -0.8, 0.0, 0.0]);
        assert_close(&lp_normalization(&x, 1, 1).unwrap().to_f64(), &[3.0 / 7.0, -4.0 / 7.0, 0.0, 0.0]);
        // Along axis 0: columns (3, 0) and (-4, 0).
        assert_close(&lp_normalization(&x, 0, 2).unwrap().to_f64(), &[1.0, -1.0, 0.0, 0.0]);
        assert!(lp_normalization(&x, -1, 3).is_err());
    }

    #[test]
    fn batch_norm_per_channel() {
        // x [1, 2, 2]: channel 0 = (1, 2), channel 1 = (3, 4).
        let x = f32t(vec![1, 2, 2], &[1.0, 2.0, 3.0, 4.0]);
        let scale = f32t(vec![2], &[2.0, 1.0]);
        let bias = f32t(vec![2], &[0.5, -1.0]);
        let mean = f32t(vec![2], &[1.0, 3.0]);
        let var = f32t(vec![2], &[4.0, 0.25]);
        // Channel 0: (x - 1) / 2 * 2 + 0.5 -> 0.5, 1.5; channel 1: (x - 3) / 0.5 - 1 -> -1, 1.
        let y = batch_norm(&x, &scale, &bias, &mean, &var, 0.0).unwrap();
        assert_close(&y.to_f64(), &[0.5, 1.5, -1.0, 1.0]);
        // With epsilon 1e-5: (2 - 1) / sqrt(4.00001) * 2 + 0.5.
        let y = batch_norm(&x, &scale, &bias, &mean, &var, 1e-5).unwrap();
        assert_close(&y.to_f64()[1..2], &[2.0 / 4.00001f64.sqrt() + 0.5]);
        let bad = f32t(vec![3], &[1.0; 3]);
        let err = batch_norm(&x, &bad, &bias, &mean, &var, 1e-5).unwrap_err();
        assert_eq!(err.0, "batch_norm: scale must have shape [2] (one value per channel), got [3]");
        assert!(batch_norm(&f32t(vec![2], &[1.0, 2.0]), &scale, &bias, &mean, &var, 1e-5).is_err());
    }

    #[test]
    fn instance_norm_standardises_each_slice() {
        // x [1, 2, 3]: channel 0 = (1, 2, 3): mean 2, var 2/3; channel 1 = (5, 5, 5): var 0.
        let x = f32t(vec![1, 2, 3], &[1.0, 2.0, 3.0, 5.0, 5.0, 5.0]);
        let scale = f32t(vec![2], &[1.0, 2.0]);
        let bias = f32t(vec![2], &[0.0, 7.0]);
        let d = (2.0f64 / 3.0 + 1e-5).sqrt();
        let y = instance_norm(&x, &scale, &bias, 1e-5).unwrap();
        assert_close(&y.to_f64(), &[-1.0 / d, 0.0, 1.0 / d, 7.0, 7.0, 7.0]);
    }

    #[test]
    fn group_norm_splits_channels() {
        // x [1, 4, 1], 2 groups: (1, 3) mean 2 var 1; (10, 20) mean 15 var 25.
        let x = f32t(vec![1, 4, 1], &[1.0, 3.0, 10.0, 20.0]);
        let scale = f32t(vec![4], &[1.0, 2.0, 1.0, 1.0]);
        let bias = f32t(vec![4], &[0.0, 0.0, 1.0, 0.0]);
        let y = group_norm(&x, &scale, &bias, 2, 0.0).unwrap();
        // (1-2)/1 * 1, (3-2)/1 * 2, (10-15)/5 + 1, (20-15)/5.
        assert_close(&y.to_f64(), &[-1.0, 2.0, 0.0, 1.0]);
        // One group: mean 8.5, population variance 55.25.
        let y = group_norm(&x, &f32t(vec![4], &[1.0; 4]), &f32t(vec![4], &[0.0; 4]), 1, 0.0).unwrap();
        let sd = 55.25f64.sqrt();
        assert_close(&y.to_f64(), &[-7.5 / sd, -5.5 / sd, 1.5 / sd, 11.5 / sd]);
        assert!(group_norm(&x, &scale, &bias, 3, 1e-5).unwrap_err().0.contains("cannot be split into 3"));
    }

    #[test]
    fn layer_norm_over_trailing_axes() {
        let x = f32t(vec![2, 2], &[1.0, 3.0, 2.0, 2.0]);
        let scale = f32t(vec![2], &[1.0, 2.0]);
        let bias = f32t(vec![2], &[0.0, 1.0]);
        // Row (1, 3): mean 2, var 1 -> (-1, 1) / sqrt(1 + 1e-5) * (1, 2) + (0, 1);
        // row (2, 2): var 0, so the epsilon keeps 0 / sqrt(1e-5) = 0 -> (0, 1).
        let d = 1.00001f64.sqrt();
        let y = layer_norm(&x, &scale, Some(&bias), -1, 1e-5).unwrap();
        assert_close(&y.to_f64(), &[-1.0 / d, 2.0 / d + 1.0, 0.0, 1.0]);
        // axis 0 normalises everything: mean 2, var 0.5.
        let all_scale = f32t(vec![1], &[1.0]);
        let y = layer_norm(&x, &all_scale, None, 0, 0.0).unwrap();
        let sd = 0.5f64.sqrt();
        assert_close(&y.to_f64(), &[-1.0 / sd, 1.0 / sd, 0.0, 0.0]);
        assert_eq!(
            layer_norm(&x, &scale, None, 3, 1e-5).unwrap_err().0,
            "layer_norm: axis 3 is out of range for rank 2"
        );
        let wide = f32t(vec![3], &[1.0; 3]);
        assert!(layer_norm(&x, &wide, None, -1, 1e-5).is_err());
    }

    #[test]
    fn mean_variance_normalization_uses_std_plus_epsilon() {
        // x [2, 1, 1, 2] over the default axes [0, 2, 3]: channel 0 holds (0, 2, 4, 6): mean 3, var 5.
        let x = f32t(vec![2, 1, 1, 2], &[0.0, 2.0, 4.0, 6.0]);
        let sd = 5f64.sqrt() + 1e-9;
        let y = mean_variance_normalization(&x, &MVN_DEFAULT_AXES).unwrap();
        assert_close(&y.to_f64(), &[-3.0 / sd, -1.0 / sd, 1.0 / sd, 3.0 / sd]);
        assert!(mean_variance_normalization(&x, &[0, 4]).is_err());
    }

    #[test]
    fn lrn_sums_neighbouring_channels() {
        // x [1, 3, 1] = (1, 2, 3), size 2: window c - 0 ..= c + 1 -> squares 1+4, 4+9, 9.
        let x = f32t(vec![1, 3, 1], &[1.0, 2.0, 3.0]);
        let y = lrn(&x, 2, 0.2, 0.5, 1.0).unwrap();
        // x / (1 + 0.1 * s)^0.5.
        let expected = [1.0 / 1.5f64.sqrt(), 2.0 / 2.3f64.sqrt(), 3.0 / 1.9f64.sqrt()];
        assert_close(&y.to_f64(), &expected);
        // size 3: window c-1 ..= c+1 -> 5, 14, 13; alpha / 3.
        let y = lrn(&x, 3, 0.3, 1.0, 2.0).unwrap();
        assert_close(&y.to_f64(), &[1.0 / 2.5, 2.0 / 3.4, 3.0 / 3.3]);
        assert!(lrn(&x, 0, 1e-4, 0.75, 1.0).is_err());
    }
}
