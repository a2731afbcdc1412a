//! Conventions TensorFlow and MindSpore share (MindSpore ported TensorFlow's kernels) that the
//! `nn` ops (ONNX semantics) spell differently: the padding of a transposed convolution given as
//! the gradient of a forward convolution, and the coordinate mapping of image resizes.

/// How the forward convolution of a convolution gradient was padded.
pub enum ForwardPadding {
    /// No padding.
    Valid,
    /// TensorFlow's SAME: the total padding split with the smaller half first.
    Same,
    /// `[begin_0, begin_1, ..., end_0, end_1, ...]` per spatial axis.
    Explicit(Vec<i64>),
}

/// The `pads` and `output_padding` of an `nn.conv_transpose` that computes the gradient of a
/// forward convolution with respect to its input of spatial size `output` from an incoming
/// gradient of spatial size `input`: the forward padding is cropped from the full transposed
/// output, and cells the forward convolution dropped (a stride not dividing the size) come back
/// as `output_padding` at the end.
pub fn backprop_pads(
    input: &[i64],
    output: &[i64],
    kernel: &[i64],
    strides: &[i64],
    dilations: &[i64],
    padding: &ForwardPadding,
) -> Result<(Vec<i64>, Vec<i64>), String> {
    let rank = input.len();
    if [output.len(), kernel.len(), strides.len(), dilations.len()].iter().any(|&l| l != rank) {
        return Err(format!("mismatched spatial ranks: {input:?}, {output:?}, {kernel:?}, {strides:?}, {dilations:?}"));
    }
    let (mut pads, mut output_padding) = (vec![0i64; 2 * rank], vec![0i64; rank]);
    for i in 0..rank {
        let full = strides[i] * (input[i] - 1) + (kernel[i] - 1) * dilations[i] + 1;
        (pads[i], pads[i + rank]) = match padding {
            ForwardPadding::Valid => (0, 0),
            ForwardPadding::Same => {
                let total = (full - output[i]).max(0);
                (total / 2, total - total / 2)
            }
            ForwardPadding::Explicit(p) if p.len() == 2 * rank => (p[i], p[i + rank]),
            ForwardPadding::Explicit(p) => {
                return Err(format!("explicit padding {p:?} does not have {} values", 2 * rank));
            }
        };
        output_padding[i] = output[i] - (full - pads[i] - pads[i + rank]);
        if output_padding[i] < 0 || pads[i] < 0 || pads[i + rank] < 0 {
            return Err(format!("the output size {output:?} does not fit the padding (spatial axis {i})"));
        }
    }
    Ok((pads, output_padding))
}

/// The `coordinate_transformation_mode` and `nearest_mode` of an `nn.resize` (`mode` "linear" or
/// "nearest") that computes TensorFlow's resize with the `align_corners` and `half_pixel_centers`
/// flags. Bilinear: ONNX align_corners / half_pixel / asymmetric. Nearest: with half-pixel centers
/// TensorFlow takes `floor((out + 0.5) * scale)`, which is half_pixel with ties rounded up; with
/// aligned corners it rounds; otherwise (legacy) it floors `out * scale`.
pub fn resize_modes(align_corners: bool, half_pixel_centers: bool, mode: &str) -> (&'static str, &'static str) {
    match (align_corners, half_pixel_centers, mode) {
        (true, _, "nearest") => ("align_corners", "round_prefer_ceil"),
        (true, _, _) => ("align_corners", "floor"),
        (false, true, "nearest") => ("half_pixel", "round_prefer_ceil"),
        (false, true, _) => ("half_pixel", "floor"),
        (false, false, _) => ("asymmetric", "floor"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backprop_padding_crops_the_forward_padding() {
        // Forward: 8 -> 4 with k 3, s 2, SAME (total padding 1: none before, 1 after).
        assert_eq!(backprop_pads(&[4], &[8], &[3], &[2], &[1], &ForwardPadding::Same), Ok((vec![0, 1], vec![0])));
        // Forward VALID 6 -> 2 with k 3, s 2 dropped the last cell.
        assert_eq!(backprop_pads(&[2], &[6], &[3], &[2], &[1], &ForwardPadding::Valid), Ok((vec![0, 0], vec![1])));
        assert!(backprop_pads(&[4], &[2], &[3], &[1], &[1], &ForwardPadding::Valid).is_err());
    }
}
