//! `nn.resize` (ONNX `Resize`, opset 19): nearest, linear and cubic resampling to given scales or sizes.

use crate::shape::{flag, format_shape, normalize_axes, operand, opt_int_vector, verify_inferred};
use msc_ir::{Dim, ElementType, OpDef, OpRef, TensorType, Type, declare_op};
use msc_nn_kernels::resize::{
    CoordinateTransformationMode, KeepAspectRatioPolicy, NearestMode, ResizeMode, ResizeParams, ResizeTarget,
    resize_output_shape,
};

declare_op! {
    /// Resizes x (ONNX `Resize`): exactly one of `scales` (f32, one per resized axis; sizes become
    /// `floor(in * scale)`) and `sizes` (i64, one per resized axis) is given; `axes` picks the resized
    /// axes (all by default); `roi` (`[starts..., ends...]`) matters only for tf_crop_and_resize.
    ///
    /// Example: `%y = "nn.resize"(%x, %scales) {mode = "linear", operandSegmentSizes = [1, 0, 1, 0]} : (tensor<1x3x4x4xf32>, tensor<4xf32>) -> tensor<1x3x8x8xf32>`
    pub Resize = "nn.resize", RESIZE {
        operands { x: ANY_TENSOR }
        optional { roi: FLOAT_TENSOR, scales: FLOAT_TENSOR, sizes: I64_TENSOR }
        results { y: ANY_TENSOR }
        attributes {
            antialias: i64 = Int(0),
            axes: Vec<i64> = Optional,
            coordinate_transformation_mode: String = Str("half_pixel"),
            cubic_coeff_a: f64 = Float(-0.75),
            exclude_outside: i64 = Int(0),
            extrapolation_value: f64 = Float(0.0),
            keep_aspect_ratio_policy: String = Str("stretch"),
            mode: String = Str("nearest"),
            nearest_mode: String = Str("round_prefer_floor"),
        }
        traits: [PURE],
        verify: Some(verify_resize),
        infer: Some(infer_resize),
    }
}

pub(crate) const OPS: &[&OpDef] = &[&RESIZE];

/// The attributes of a resize op as the reference kernel takes them; unknown mode strings are errors.
pub fn resize_params(op: &OpRef<'_>) -> Result<ResizeParams, String> {
    let text = |name: &str| op.string(name);
    let kernel = |e: msc_nn_kernels::KernelError| e.0;
    Ok(ResizeParams {
        antialias: flag(op, "antialias")?,
        axes: op.opt_ints("axes")?.unwrap_or_default(),
        coordinate_transformation_mode: CoordinateTransformationMode::parse(&text("coordinate_transformation_mode")?)
            .map_err(kernel)?,
        cubic_coeff_a: op.float("cubic_coeff_a")?,
        exclude_outside: flag(op, "exclude_outside")?,
        extrapolation_value: op.float("extrapolation_value")?,
        keep_aspect_ratio_policy: KeepAspectRatioPolicy::parse(&text("keep_aspect_ratio_policy")?).map_err(kernel)?,
        mode: ResizeMode::parse(&text("mode")?).map_err(kernel)?,
        nearest_mode: NearestMode::parse(&text("nearest_mode")?).map_err(kernel)?,
    })
}

/// The resized axes: `axes` normalised, or every axis.
fn resized_axes(params: &ResizeParams, rank: usize) -> Result<Vec<usize>, String> {
    if params.axes.is_empty() { Ok((0..rank).collect()) } else { normalize_axes(&params.axes, rank) }
}

/// The scales or sizes operand: its values when constant.
enum Target {
    Scales(Option<Vec<f64>>),
    Sizes(Option<Vec<i64>>),
}

/// Reads the one given operand of `scales` and `sizes`, checking its length against the resized axes.
fn target(op: &OpRef<'_>, resized: usize) -> Result<Target, String> {
    let name = match (op.named_operand("scales"), op.named_operand("sizes")) {
        (Some(_), Some(_)) => return Err("give `scales` or `sizes`, not both".into()),
        (None, None) => return Err("needs `scales` or `sizes`".into()),
        (Some(_), None) => "scales",
        (None, Some(_)) => "sizes",
    };
    let vector = opt_int_vector(op, name)?.ok_or_else(|| format!("missing operand `{name}`"))?;
    if let Some(len) = vector.len
        && len != resized
    {
        return Err(format!("operand `{name}` has {len} values but {resized} axes are resized"));
    }
    Ok(if name == "sizes" {
        let sizes = vector.values;
        if let Some(s) = sizes.as_ref().and_then(|s| s.iter().find(|&&s| s < 0)) {
            return Err(format!("operand `sizes` holds the negative size {s}"));
        }
        Target::Sizes(sizes)
    } else {
        let scales = op.named_operand("scales").and_then(|v| op.constant_value(v)).and_then(|d| d.to_f64s());
        if let Some(s) = scales.as_ref().and_then(|s| s.iter().find(|&&s| !(s > 0.0 && s.is_finite()))) {
            return Err(format!("operand `scales` holds {s}; scales must be positive"));
        }
        Target::Scales(scales)
    })
}

fn infer_resize(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let x = operand(&op, 0)?;
    let params = resize_params(&op)?;
    let axes = resized_axes(&params, x.rank())?;
    let target = target(&op, axes.len())?;
    // Axes resize independently unless a keep-aspect-ratio policy makes them share one scale.
    let independent =
        matches!(target, Target::Scales(_)) || params.keep_aspect_ratio_policy == KeepAspectRatioPolicy::Stretch;
    let inputs: Vec<Option<usize>> = axes.iter().map(|&a| x.shape[a].as_static().map(|d| d as usize)).collect();
    let computable: Vec<usize> = match &target {
        Target::Scales(None) | Target::Sizes(None) => vec![],
        _ if !independent && inputs.contains(&None) => vec![],
        _ => (0..axes.len()).filter(|&i| inputs[i].is_some()).collect(),
    };
    // The statically known axes go through the reference kernel's rule, on their own.
    let sub_input: Vec<usize> = computable.iter().filter_map(|&i| inputs[i]).collect();
    let sub_params = ResizeParams { axes: vec![], ..params.clone() };
    let computed = match &target {
        Target::Scales(Some(s)) => {
            let scales: Vec<f64> = computable.iter().map(|&i| s[i]).collect();
            resize_output_shape(&sub_input, ResizeTarget::Scales(&scales), &sub_params)
        }
        Target::Sizes(Some(s)) => {
            let sizes: Vec<i64> = computable.iter().map(|&i| s[i]).collect();
            resize_output_shape(&sub_input, ResizeTarget::Sizes(&sizes), &sub_params)
        }
        _ => Ok(vec![]),
    }
    .map_err(|e| e.0)?;
    let mut shape = x.shape.clone();
    for (i, &axis) in axes.iter().enumerate() {
        shape[axis] = if let Some(k) = computable.iter().position(|&c| c == i) {
            Dim::Static(computed[k] as u64)
        } else {
            match &target {
                Target::Scales(Some(s)) if s[i] == 1.0 => x.shape[axis].clone(),
                Target::Sizes(Some(s)) if independent => Dim::Static(s[i] as u64),
                _ => Dim::Symbol(op.ctx().fresh_symbol()),
            }
        };
    }
    Ok(vec![Type::Tensor(TensorType::new(shape, x.element))])
}

fn verify_resize(op: OpRef<'_>) -> Result<(), String> {
    let params = resize_params(&op)?;
    if params.antialias && params.mode == ResizeMode::Nearest {
        return Err("antialias applies only to the linear and cubic modes".into());
    }
    if let Some(scales) = op.named_tensor("scales")?
        && scales.element != ElementType::F32
    {
        return Err(format!("operand `scales` has element type {}; expected f32", scales.element));
    }
    let resized = resized_axes(&params, operand(&op, 0)?.rank())?.len();
    match op.named_tensor("roi")? {
        Some(roi) => {
            let [len] = roi.shape.as_slice() else {
                return Err(format!("operand `roi` must be 1-D, got shape {}", format_shape(&roi.shape)));
            };
            if let Some(n) = len.as_static()
                && n != 0
                && n as usize != 2 * resized
            {
                return Err(format!(
                    "operand `roi` has {n} values; expected a start and an end for each of {resized} resized axes"
                ));
            }
        }
        None if params.coordinate_transformation_mode == CoordinateTransformationMode::TfCropAndResize => {
            return Err("coordinate_transformation_mode tf_crop_and_resize needs a `roi` operand".into());
        }
        None => {}
    }
    verify_inferred(op)
}
