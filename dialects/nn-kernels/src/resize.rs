//! ONNX `Resize` (opset 19; `Upsample` is the same op given scales): nearest, N-linear and N-cubic
//! interpolation, applied one resized axis at a time, following the ONNX reference implementation.

use crate::conv::operand_dtype;
use crate::movement::normalize_axes;
use crate::support::Accepts;
use crate::{Result, Tensor, bail};

/// ONNX `mode`: how output values are interpolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResizeMode {
    #[default]
    Nearest,
    Linear,
    Cubic,
}

impl ResizeMode {
    pub fn parse(s: &str) -> Result<ResizeMode> {
        Ok(match s {
            "nearest" => ResizeMode::Nearest,
            "linear" => ResizeMode::Linear,
            "cubic" => ResizeMode::Cubic,
            _ => bail!("unknown resize mode {s:?} (expected nearest, linear or cubic)"),
        })
    }
}

/// ONNX `coordinate_transformation_mode`: how an output coordinate maps to an input coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CoordinateTransformationMode {
    /// `(x + 0.5) / scale - 0.5`.
    #[default]
    HalfPixel,
    /// Like `HalfPixel`, centred when the output size was rounded.
    HalfPixelSymmetric,
    /// Like `HalfPixel`, but -0.5 for an output of length 1.
    PytorchHalfPixel,
    /// `x * (in - 1) / (out - 1)`.
    AlignCorners,
    /// `x / scale`.
    Asymmetric,
    /// Samples the region of interest `roi`; points outside the input take `extrapolation_value`.
    TfCropAndResize,
}

impl CoordinateTransformationMode {
    pub fn parse(s: &str) -> Result<CoordinateTransformationMode> {
        use CoordinateTransformationMode::*;
        Ok(match s {
            "half_pixel" => HalfPixel,
            "half_pixel_symmetric" => HalfPixelSymmetric,
            "pytorch_half_pixel" => PytorchHalfPixel,
            "align_corners" => AlignCorners,
            "asymmetric" => Asymmetric,
            "tf_crop_and_resize" => TfCropAndResize,
            _ => bail!(
                "unknown coordinate_transformation_mode {s:?} (expected half_pixel, half_pixel_symmetric, \
                 pytorch_half_pixel, align_corners, asymmetric or tf_crop_and_resize)"
            ),
        })
    }
}

/// ONNX `nearest_mode`: how nearest mode rounds a fractional input coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NearestMode {
    /// Round half down.
    #[default]
    RoundPreferFloor,
    /// Round half up.
    RoundPreferCeil,
    Floor,
    Ceil,
}

impl NearestMode {
    pub fn parse(s: &str) -> Result<NearestMode> {
        Ok(match s {
            "round_prefer_floor" => NearestMode::RoundPreferFloor,
            "round_prefer_ceil" => NearestMode::RoundPreferCeil,
            "floor" => NearestMode::Floor,
            "ceil" => NearestMode::Ceil,
            _ => bail!("unknown nearest_mode {s:?} (expected round_prefer_floor, round_prefer_ceil, floor or ceil)"),
        })
    }
}

/// ONNX `keep_aspect_ratio_policy`: how `sizes` are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeepAspectRatioPolicy {
    /// Use the sizes as given.
    #[default]
    Stretch,
    /// One scale for all resized axes, the smallest `size / in`; sizes round half up.
    NotLarger,
    /// One scale for all resized axes, the largest `size / in`; sizes round half up.
    NotSmaller,
}

impl KeepAspectRatioPolicy {
    pub fn parse(s: &str) -> Result<KeepAspectRatioPolicy> {
        Ok(match s {
            "stretch" => KeepAspectRatioPolicy::Stretch,
            "not_larger" => KeepAspectRatioPolicy::NotLarger,
            "not_smaller" => KeepAspectRatioPolicy::NotSmaller,
            _ => bail!("unknown keep_aspect_ratio_policy {s:?} (expected stretch, not_larger or not_smaller)"),
        })
    }
}

/// Attributes of ONNX `Resize`; `Default` gives the ONNX defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct ResizeParams {
    /// Widen linear and cubic filters by `1 / scale` when downscaling; default false.
    pub antialias: bool,
    /// The axes that scales, sizes and roi refer to; empty means all axes.
    pub axes: Vec<i64>,
    pub coordinate_transformation_mode: CoordinateTransformationMode,
    /// The `a` of the cubic kernel; default -0.75.
    pub cubic_coeff_a: f64,
    /// Give sampling points outside the input weight 0 and renormalise; default false.
    pub exclude_outside: bool,
    /// The value of points outside the input in tf_crop_and_resize mode; default 0.
    pub extrapolation_value: f64,
    pub keep_aspect_ratio_policy: KeepAspectRatioPolicy,
    pub mode: ResizeMode,
    pub nearest_mode: NearestMode,
}

impl Default for ResizeParams {
    fn default() -> ResizeParams {
        ResizeParams {
            antialias: false,
            axes: vec![],
            coordinate_transformation_mode: CoordinateTransformationMode::HalfPixel,
            cubic_coeff_a: -0.75,
            exclude_outside: false,
            extrapolation_value: 0.0,
            keep_aspect_ratio_policy: KeepAspectRatioPolicy::Stretch,
            mode: ResizeMode::Nearest,
            nearest_mode: NearestMode::RoundPreferFloor,
        }
    }
}

/// The `scales` or `sizes` input of `Resize`: exactly one is given, one value per resized axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ResizeTarget<'a> {
    Scales(&'a [f64]),
    Sizes(&'a [i64]),
}

/// The resized axes and, for every axis of the input, its scale and output size.
struct Plan {
    axes: Vec<usize>,
    scales: Vec<f64>,
    sizes: Vec<usize>,
}

fn plan(input: &[usize], target: ResizeTarget<'_>, params: &ResizeParams) -> Result<Plan> {
    let op = "resize";
    let axes = if params.axes.is_empty() {
        (0..input.len()).collect()
    } else {
        normalize_axes(op, &params.axes, input.len())?
    };
    let given = match target {
        ResizeTarget::Scales(s) => s.len(),
        ResizeTarget::Sizes(s) => s.len(),
    };
    if given != axes.len() {
        bail!("{op}: {target:?} needs one value for each of the {} resized axes of {input:?}", axes.len());
    }
    if let Some(&axis) = axes.iter().find(|&&a| input[a] == 0) {
        bail!("{op}: axis {axis} of the input {input:?} is empty and cannot be resized");
    }
    let mut scales = vec![1.0; input.len()];
    let mut sizes = input.to_vec();
    match target {
        ResizeTarget::Scales(values) => {
            for (&axis, &scale) in axes.iter().zip(values) {
                if !(scale > 0.0 && scale.is_finite()) {
                    bail!("{op}: scales {values:?} must be positive");
                }
                scales[axis] = scale;
                sizes[axis] = (scale * input[axis] as f64) as usize;
            }
        }
        ResizeTarget::Sizes(values) => {
            if let Some(size) = values.iter().find(|&&s| s < 0) {
                bail!("{op}: sizes {values:?} holds the negative size {size}");
            }
            let ratios = axes.iter().zip(values).map(|(&axis, &size)| size as f64 / input[axis] as f64);
            let shared = match params.keep_aspect_ratio_policy {
                KeepAspectRatioPolicy::Stretch => None,
                KeepAspectRatioPolicy::NotLarger => ratios.clone().reduce(f64::min),
                KeepAspectRatioPolicy::NotSmaller => ratios.clone().reduce(f64::max),
            };
            for ((&axis, &size), ratio) in axes.iter().zip(values).zip(ratios) {
                (scales[axis], sizes[axis]) = match shared {
                    None => (ratio, size as usize),
                    Some(scale) => (scale, (scale * input[axis] as f64 + 0.5) as usize),
                };
            }
        }
    }
    Ok(Plan { axes, scales, sizes })
}

/// The output shape of [`resize`] for an input of shape `input`.
pub fn resize_output_shape(input: &[usize], target: ResizeTarget<'_>, params: &ResizeParams) -> Result<Vec<usize>> {
    Ok(plan(input, target, params)?.sizes)
}

/// How one output position along a resized axis is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Sample {
    /// The extrapolation value (tf_crop_and_resize outside the input).
    Constant(f64),
    /// `sum weight * input[position]` over (position, weight) along the axis.
    Weighted(Vec<(usize, f64)>),
}

/// Resampling of one axis of length `input` to `output` cells at scale `scale`.
struct Axis {
    input: usize,
    output: usize,
    scale: f64,
    /// The (start, end) of the region of interest, as fractions of the axis.
    roi: Option<(f64, f64)>,
}

/// `|a - b| <= 1e-9 * max(|a|, |b|)`, Python's `math.isclose`.
fn is_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

impl Axis {
    /// The ONNX reference leaves an axis untouched when its scale is 1, its size unchanged and its
    /// region of interest the whole axis.
    fn is_identity(&self) -> bool {
        is_close(self.scale, 1.0)
            && self.output == self.input
            && self.roi.is_none_or(|(start, end)| is_close(start, 0.0) && is_close(end, 1.0))
    }

    /// The input coordinate of output position `y`, or `None` when tf_crop_and_resize lands outside the
    /// input. `output_width = scale * input` is fractional when the size came from a scale; like the
    /// ONNX reference, align_corners and tf_crop_and_resize divide by it rather than by the integer size.
    fn source(&self, y: f64, mode: CoordinateTransformationMode) -> Result<Option<f64>> {
        use CoordinateTransformationMode::*;
        let (input, scale) = (self.input as f64, self.scale);
        let output_width = scale * input;
        Ok(Some(match mode {
            AlignCorners if output_width == 1.0 => 0.0,
            AlignCorners => y * (input - 1.0) / (output_width - 1.0),
            Asymmetric => y / scale,
            TfCropAndResize => {
                let Some((start, end)) = self.roi else {
                    bail!("resize: tf_crop_and_resize needs a roi");
                };
                let x = if output_width == 1.0 {
                    (end - start) * (input - 1.0) / 2.0
                } else {
                    y * (end - start) * (input - 1.0) / (output_width - 1.0)
                } + start * (input - 1.0);
                if x < 0.0 || x > input - 1.0 {
                    return Ok(None);
                }
                x
            }
            PytorchHalfPixel if output_width == 1.0 => -0.5,
            PytorchHalfPixel | HalfPixel => (y + 0.5) / scale - 0.5,
            HalfPixelSymmetric => {
                let adjustment = self.output as f64 / output_width;
                let offset = input / 2.0 * (1.0 - adjustment);
                offset + (y + 0.5) / scale - 0.5
            }
        }))
    }

    /// How output position `y` is computed.
    fn sample(&self, y: usize, params: &ResizeParams) -> Result<Sample> {
        let Some(x) = self.source(y as f64, params.coordinate_transformation_mode)? else {
            return Ok(Sample::Constant(params.extrapolation_value));
        };
        // The offset of x past its left neighbour, in (0, 1]: an integral x counts as 1 past x - 1.
        let ratio = if x == x.floor() { 1.0 } else { x - x.floor() };
        let mut weights = self.weights(ratio, params);
        // The reference takes the n nearest neighbours of x, preferring the smaller on a tie; n is even.
        let half = (weights.len() / 2) as i64;
        let padded = x + half as f64;
        let first = padded.floor() as i64 + if padded == padded.floor() { -half } else { 1 - half } - half;
        let last_cell = self.input as i64 - 1;
        if params.exclude_outside {
            for (j, w) in weights.iter_mut().enumerate() {
                if !(0..=last_cell).contains(&(first + j as i64)) {
                    *w = 0.0;
                }
            }
            let sum: f64 = weights.iter().sum();
            if sum != 0.0 {
                weights.iter_mut().for_each(|w| *w /= sum);
            }
        }
        // Neighbours past the edges repeat the edge cell; zero weights are dropped so that an infinite
        // neighbour cannot turn them into NaN.
        let taps = (first..)
            .zip(weights)
            .filter(|&(_, w)| w != 0.0)
            .map(|(i, w)| (i.clamp(0, last_cell) as usize, w))
            .collect();
        Ok(Sample::Weighted(taps))
    }

    /// The interpolation weights of the neighbours of a point `ratio` past its left neighbour (see the
    /// ONNX reference's `_*_coeffs` functions).
    fn weights(&self, ratio: f64, params: &ResizeParams) -> Vec<f64> {
        // Antialiasing widens the filter by 1 / scale when downscaling.
        let scale = self.scale.min(1.0);
        let normalized = |w: Vec<f64>| {
            let sum: f64 = w.iter().sum();
            w.into_iter().map(|w| w / sum).collect()
        };
        match params.mode {
            ResizeMode::Nearest if ratio == 1.0 => vec![0.0, 1.0],
            ResizeMode::Nearest => {
                let right = match params.nearest_mode {
                    NearestMode::RoundPreferFloor => ratio > 0.5,
                    NearestMode::RoundPreferCeil => ratio >= 0.5,
                    NearestMode::Floor => false,
                    NearestMode::Ceil => true,
                };
                if right { vec![0.0, 1.0] } else { vec![1.0, 0.0] }
            }
            ResizeMode::Linear if params.antialias => {
                let start = (-1.0 / scale).floor() as i64 + 1;
                let taps = (start..2 - start).map(|i| (1.0 - ((i as f64 - ratio) * scale).abs()).clamp(0.0, 1.0));
                normalized(taps.collect())
            }
            ResizeMode::Linear => vec![1.0 - ratio, ratio],
            ResizeMode::Cubic if params.antialias => {
                let start = (-2.0 / scale).floor() as i64 + 1;
                let taps = (start..2 - start).map(|i| cubic(scale * (i as f64 - ratio), params.cubic_coeff_a));
                normalized(taps.collect())
            }
            ResizeMode::Cubic => [ratio + 1.0, ratio, 1.0 - ratio, (1.0 - ratio) + 1.0]
                .iter()
                .map(|&d| cubic(d, params.cubic_coeff_a))
                .collect(),
        }
    }
}

/// The cubic convolution kernel with parameter `a` at distance `x`.
fn cubic(x: f64, a: f64) -> f64 {
    let x = x.abs();
    if x <= 1.0 {
        ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
    } else if x < 2.0 {
        ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a
    } else {
        0.0
    }
}

/// `data` (of `shape`) with axis `axis` resampled to `samples.len()` cells.
fn resample(data: &[f64], shape: &[usize], axis: usize, samples: &[Sample]) -> Vec<f64> {
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let mut out = Vec::with_capacity(outer * samples.len() * inner);
    for o in 0..outer {
        let block = &data[o * shape[axis] * inner..][..shape[axis] * inner];
        for sample in samples {
            for i in 0..inner {
                out.push(match sample {
                    Sample::Constant(v) => *v,
                    Sample::Weighted(taps) => taps.iter().map(|&(p, w)| w * block[p * inner + i]).sum(),
                });
            }
        }
    }
    out
}

/// The resampling [`resize`] does on an input of shape `input`: for each resized axis that changes,
/// in order, the axis and how each of its output positions is computed (arguments as for [`resize`]).
pub fn resize_samples(
    input: &[usize],
    roi: Option<&[f64]>,
    target: ResizeTarget<'_>,
    params: &ResizeParams,
) -> Result<Vec<(usize, Vec<Sample>)>> {
    let op = "resize";
    if params.antialias && params.mode == ResizeMode::Nearest {
        bail!("{op}: antialias applies only to linear and cubic modes");
    }
    let plan = plan(input, target, params)?;
    let roi = roi.filter(|r| !r.is_empty());
    if let Some(roi) = roi
        && roi.len() != 2 * plan.axes.len()
    {
        bail!("{op}: roi {roi:?} needs a start and an end for each of the {} resized axes", plan.axes.len());
    }
    let mut passes = Vec::with_capacity(plan.axes.len());
    for (i, &axis) in plan.axes.iter().enumerate() {
        let resampling = Axis {
            input: input[axis],
            output: plan.sizes[axis],
            scale: plan.scales[axis],
            roi: roi.map(|r| (r[i], r[plan.axes.len() + i])),
        };
        if resampling.is_identity() {
            continue;
        }
        let samples = (0..resampling.output).map(|y| resampling.sample(y, params)).collect::<Result<Vec<_>>>()?;
        passes.push((axis, samples));
    }
    Ok(passes)
}

/// ONNX `Resize`: resamples the `axes` of x (all by default) to the sizes given by `target`, each axis
/// in turn (the filters are separable). `roi` (`[starts..., ends...]` per resized axis, as fractions)
/// matters only for tf_crop_and_resize; an empty roi counts as none. Scales give sizes
/// `floor(in * scale)` as in the ONNX reference (the spec's formula also multiplies by the roi extent).
pub fn resize(x: &Tensor, roi: Option<&[f64]>, target: ResizeTarget<'_>, params: &ResizeParams) -> Result<Tensor> {
    let dtype = operand_dtype("resize", &[("input", x)], Accepts::Float)?;
    let mut data = x.to_f64();
    let mut shape = x.shape().to_vec();
    for (axis, samples) in resize_samples(x.shape(), roi, target, params)? {
        data = resample(&data, &shape, axis, &samples);
        shape[axis] = samples.len();
    }
    Tensor::from_f64(dtype, shape, &data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DType;
    use crate::testutil::{assert_close, ramp};

    // Expected values in these tests come from the ONNX reference evaluator (onnx 1.23, Resize-19),
    // which generates the ONNX backend tests, unless a comment derives them.

    /// [[1, 2], [3, 4]] as 1 x 1 x 2 x 2.
    fn square() -> Tensor {
        ramp(&[1, 1, 2, 2], 4, -1.0)
    }

    fn run(x: &Tensor, target: ResizeTarget<'_>, params: ResizeParams) -> Tensor {
        resize(x, None, target, &params).unwrap()
    }

    fn check(y: Tensor, shape: &[usize], expected: &[f64]) {
        assert_eq!(y.shape(), shape);
        assert_close(&y.to_f64(), expected);
    }

    const DOUBLE: ResizeTarget<'static> = ResizeTarget::Scales(&[1.0, 1.0, 2.0, 2.0]);

    fn with(mode: ResizeMode, coordinate_transformation_mode: CoordinateTransformationMode) -> ResizeParams {
        ResizeParams { mode, coordinate_transformation_mode, ..Default::default() }
    }

    #[test]
    fn nearest_modes() {
        use CoordinateTransformationMode::*;
        // half_pixel at scale 2: output cells 0..4 map to -0.25, 0.25, 0.75, 1.25 -> 0, 0, 1, 1.
        let rows = [1.0, 1.0, 2.0, 2.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 3.0, 3.0, 4.0, 4.0];
        check(run(&square(), DOUBLE, ResizeParams::default()), &[1, 1, 4, 4], &rows);

        // asymmetric at scale 1.5: cells 0, 1, 2 map to 0, 0.667, 1.333; floor -> 0 0 1, ceil -> 0 1 2
        // (clamped to 1).
        let scales = ResizeTarget::Scales(&[1.0, 1.0, 1.5, 1.5]);
        let floor = ResizeParams { nearest_mode: NearestMode::Floor, ..with(ResizeMode::Nearest, Asymmetric) };
        check(run(&square(), scales, floor.clone()), &[1, 1, 3, 3], &[1.0, 1.0, 2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0]);
        let ceil = ResizeParams { nearest_mode: NearestMode::Ceil, ..floor };
        check(run(&square(), scales, ceil), &[1, 1, 3, 3], &[1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 3.0, 4.0, 4.0]);

        // asymmetric at scale 2 puts cells 1, 3, 5 exactly half way: the tie-breaking modes differ.
        let row = ramp(&[1, 4], 4, -1.0);
        let scales = ResizeTarget::Scales(&[1.0, 2.0]);
        let prefer_ceil =
            ResizeParams { nearest_mode: NearestMode::RoundPreferCeil, ..with(ResizeMode::Nearest, Asymmetric) };
        check(run(&row, scales, prefer_ceil.clone()), &[1, 8], &[1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 4.0]);
        let prefer_floor = ResizeParams { nearest_mode: NearestMode::RoundPreferFloor, ..prefer_ceil };
        check(run(&row, scales, prefer_floor), &[1, 8], &[1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]);

        // Integer data survives nearest exactly in any float type, and infinities do not leak NaN.
        let x = Tensor::from_f64(DType::F64, vec![1, 2], &[f64::INFINITY, 1.0]).unwrap();
        let y = run(&x, ResizeTarget::Scales(&[1.0, 2.0]), ResizeParams::default());
        assert_eq!(y.to_f64(), vec![f64::INFINITY, f64::INFINITY, 1.0, 1.0]);
    }

    #[test]
    fn linear_modes() {
        use CoordinateTransformationMode::*;
        #[rustfmt::skip]
        let half_pixel = [1.0, 1.25, 1.75, 2.0, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3.0, 3.25, 3.75, 4.0];
        check(run(&square(), DOUBLE, with(ResizeMode::Linear, HalfPixel)), &[1, 1, 4, 4], &half_pixel);
        // align_corners at size 4: x = y / 3, so rows step by 1/3 and columns by 2/3.
        let third = 1.0 / 3.0;
        let align: Vec<f64> = (0..16).map(|i| 1.0 + (i / 4) as f64 * 2.0 * third + (i % 4) as f64 * third).collect();
        check(run(&square(), DOUBLE, with(ResizeMode::Linear, AlignCorners)), &[1, 1, 4, 4], &align);
        #[rustfmt::skip]
        let asymmetric = [1.0, 1.5, 2.0, 2.0, 2.0, 2.5, 3.0, 3.0, 3.0, 3.5, 4.0, 4.0, 3.0, 3.5, 4.0, 4.0];
        check(run(&square(), DOUBLE, with(ResizeMode::Linear, Asymmetric)), &[1, 1, 4, 4], &asymmetric);

        // test_resize_downsample_scales_linear_align_corners: the output width is 0.6 * 4 = 2.4, not 2,
        // so the second column samples x = 3 / 1.4 = 2.142857 (the ONNX reference rule).
        let x = ramp(&[1, 1, 2, 4], 8, -1.0);
        let y = run(&x, ResizeTarget::Scales(&[1.0, 1.0, 0.6, 0.6]), with(ResizeMode::Linear, AlignCorners));
        check(y, &[1, 1, 1, 2], &[1.0, 3.142857075]);

        // pytorch_half_pixel with sizes: an output of length 1 samples x = -0.5.
        let x = ramp(&[1, 1, 4, 4], 16, -1.0);
        let y = run(&x, ResizeTarget::Sizes(&[1, 1, 3, 1]), with(ResizeMode::Linear, PytorchHalfPixel));
        check(y, &[1, 1, 3, 1], &[1.666666627, 7.0, 12.33333302]);

        // half_pixel_symmetric at scale 1.7: 2 * 1.7 = 3.4 rounds down to 3 cells, centred.
        let y =
            run(&square(), ResizeTarget::Scales(&[1.0, 1.0, 1.7, 1.7]), with(ResizeMode::Linear, HalfPixelSymmetric));
        check(y, &[1, 1, 3, 3], &[1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 3.0, 3.5, 4.0]);
    }

    #[test]
    fn cubic_modes() {
        #[rustfmt::skip]
        let default = [
            0.68359375, 1.015625, 1.5625, 1.89453125, 1.34765625, 1.6796875, 2.2265625, 2.55859375,
            2.44140625, 2.7734375, 3.3203125, 3.65234375, 3.10546875, 3.4375, 3.984375, 4.31640625,
        ];
        check(
            run(&square(), DOUBLE, with(ResizeMode::Cubic, CoordinateTransformationMode::HalfPixel)),
            &[1, 1, 4, 4],
            &default,
        );
        let excluded =
            ResizeParams { cubic_coeff_a: -0.5, exclude_outside: true, mode: ResizeMode::Cubic, ..Default::default() };
        #[rustfmt::skip]
        let expected = [
            0.7352941036, 1.030672312, 1.616386533, 1.911764741, 1.326050401, 1.621428609, 2.20714283, 2.502521038,
            2.497478962, 2.79285717, 3.37857151, 3.67394948, 3.088235378, 3.383613348, 3.969327688, 4.264705658,
        ];
        check(run(&square(), DOUBLE, excluded), &[1, 1, 4, 4], &expected);
        let x = ramp(&[1, 1, 4, 4], 16, -1.0);
        let asymmetric = with(ResizeMode::Cubic, CoordinateTransformationMode::Asymmetric);
        let y = run(&x, ResizeTarget::Scales(&[1.0, 1.0, 0.8, 0.8]), asymmetric);
        #[rustfmt::skip]
        let expected = [1.0, 2.296875, 3.593749762, 6.1875, 7.484375, 8.781249046, 11.37499905, 12.67187405, 13.96874809];
        check(y, &[1, 1, 3, 3], &expected);
    }

    #[test]
    fn tf_crop_and_resize_extrapolates() {
        let x = ramp(&[1, 1, 4, 4], 16, -1.0);
        let params = ResizeParams {
            mode: ResizeMode::Linear,
            coordinate_transformation_mode: CoordinateTransformationMode::TfCropAndResize,
            extrapolation_value: 10.0,
            ..Default::default()
        };
        let roi = [0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 1.2, 1.7];
        let y = resize(&x, Some(&roi), ResizeTarget::Sizes(&[1, 1, 3, 3]), &params).unwrap();
        check(y, &[1, 1, 3, 3], &[7.600000381, 10.0, 10.0, 12.40000057, 10.0, 10.0, 10.0, 10.0, 10.0]);
        let err = resize(&x, None, ResizeTarget::Sizes(&[1, 1, 3, 3]), &params).unwrap_err();
        assert_eq!(err.0, "resize: tf_crop_and_resize needs a roi");
    }

    #[test]
    fn sizes_axes_and_aspect_ratio_policies() {
        // x is 2 x 4, sizes [3, 3] on axes 2, 3: the ratios are 1.5 and 0.75. not_larger scales both
        // by 0.75 (2 x 3), not_smaller by 1.5 (3 x 6).
        let x = ramp(&[1, 1, 2, 4], 8, -1.0);
        let policy = |keep_aspect_ratio_policy| ResizeParams {
            axes: vec![2, 3],
            keep_aspect_ratio_policy,
            ..Default::default()
        };
        let sizes = ResizeTarget::Sizes(&[3, 3]);
        check(run(&x, sizes, policy(KeepAspectRatioPolicy::NotLarger)), &[1, 1, 2, 3], &[1.0, 2.0, 4.0, 5.0, 6.0, 8.0]);
        #[rustfmt::skip]
        let expected = [1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 1.0, 1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 7.0, 8.0];
        check(run(&x, sizes, policy(KeepAspectRatioPolicy::NotSmaller)), &[1, 1, 3, 6], &expected);
        assert_eq!(
            resize_output_shape(&[1, 1, 2, 4], sizes, &policy(KeepAspectRatioPolicy::Stretch)).unwrap(),
            vec![1, 1, 3, 3]
        );

        // One negative axis with a scale: only the last axis doubles.
        let params = ResizeParams { axes: vec![-1], mode: ResizeMode::Linear, ..Default::default() };
        #[rustfmt::skip]
        let expected = [1.0, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4.0, 5.0, 5.25, 5.75, 6.25, 6.75, 7.25, 7.75, 8.0];
        check(run(&x, ResizeTarget::Scales(&[2.0]), params), &[1, 1, 2, 8], &expected);
    }

    #[test]
    fn antialias_widens_downscaling_filters() {
        let x = ramp(&[1, 1, 4, 4], 16, -1.0);
        let sizes = ResizeTarget::Sizes(&[1, 1, 3, 3]);
        let linear = ResizeParams { antialias: true, mode: ResizeMode::Linear, ..Default::default() };
        #[rustfmt::skip]
        let expected = [2.363636255, 3.590909004, 4.818181992, 7.272727489, 8.5, 9.727272987, 12.18181801, 13.409091, 14.63636398];
        check(run(&x, sizes, linear), &[1, 1, 3, 3], &expected);
        let cubic = ResizeParams { antialias: true, mode: ResizeMode::Cubic, ..Default::default() };
        #[rustfmt::skip]
        let expected = [1.775009155, 3.120007515, 4.465005398, 7.155002117, 8.500000954, 9.84499836, 12.53499413, 13.87999344, 15.22499084];
        check(run(&x, sizes, cubic), &[1, 1, 3, 3], &expected);
    }

    #[test]
    fn resize_rejects_bad_input() {
        let x = square();
        let err = resize(&x, None, ResizeTarget::Scales(&[2.0, 2.0]), &ResizeParams::default()).unwrap_err();
        assert_eq!(err.0, "resize: Scales([2.0, 2.0]) needs one value for each of the 4 resized axes of [1, 1, 2, 2]");
        let err = resize(&x, None, ResizeTarget::Scales(&[1.0, 1.0, 0.0, 1.0]), &ResizeParams::default()).unwrap_err();
        assert_eq!(err.0, "resize: scales [1.0, 1.0, 0.0, 1.0] must be positive");
        let err = resize(&x, None, ResizeTarget::Sizes(&[1, 1, -2, 2]), &ResizeParams::default()).unwrap_err();
        assert_eq!(err.0, "resize: sizes [1, 1, -2, 2] holds the negative size -2");
        let aa = ResizeParams { antialias: true, ..Default::default() };
        assert!(resize(&x, None, DOUBLE, &aa).is_err());
        assert!(resize(&x.cast(DType::U8), None, DOUBLE, &ResizeParams::default()).is_err());
        assert!(resize(&x, Some(&[0.0, 1.0]), DOUBLE, &ResizeParams::default()).is_err());
        let twice = ResizeParams { axes: vec![3, -1], ..Default::default() };
        assert!(resize(&x, None, ResizeTarget::Scales(&[2.0, 2.0]), &twice).is_err());
        assert_eq!(ResizeMode::parse("cubic").unwrap(), ResizeMode::Cubic);
        assert_eq!(
            CoordinateTransformationMode::parse("tf_crop_and_resize").unwrap(),
            CoordinateTransformationMode::TfCropAndResize
        );
        assert_eq!(NearestMode::parse("ceil").unwrap(), NearestMode::Ceil);
        assert_eq!(KeepAspectRatioPolicy::parse("not_larger").unwrap(), KeepAspectRatioPolicy::NotLarger);
        assert!(ResizeMode::parse("bilinear").is_err());
    }
}
