//! Matrix products: numpy-style batched `nn.matmul` and `nn.gemm` (`alpha * A' * B' + beta * C`).

use crate::shape::{
    broadcast_shapes, check_broadcasts_to, common_element, flag, format_dim, format_shape, is_float_or_wide_int,
    operand, require_element, unify_dims, verify_inferred,
};
use msc_ir::{Context, Dim, OpDef, OpRef, TensorType, Type, declare_op};

declare_op! {
    /// Matrix product with numpy semantics (ONNX `MatMul`): the last two axes are matrices and the
    /// leading ones broadcast; a 1-D a is a row vector and a 1-D b a column vector, and their unit
    /// axis is dropped from the result.
    ///
    /// Example: `%y = "nn.matmul"(%a, %b) : (tensor<8x2x3xf32>, tensor<3x4xf32>) -> tensor<8x2x4xf32>`
    pub MatMul = "nn.matmul", MATMUL {
        operands { a: NUMERIC_TENSOR, b: NUMERIC_TENSOR }
        results { y: NUMERIC_TENSOR }
        traits: [PURE],
        verify: Some(verify_matmul),
        infer: Some(infer_matmul),
    }
}

declare_op! {
    /// General matrix multiply (ONNX `Gemm`): `alpha * A' * B' + beta * C`, where A' is a (M x K) or
    /// its transpose, B' is b (K x N) or its transpose, and the optional c broadcasts to M x N.
    ///
    /// Example: `%y = "nn.gemm"(%a, %b, %c) {trans_b = 1} : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>`
    pub Gemm = "nn.gemm", GEMM {
        operands { a: NUMERIC_TENSOR, b: NUMERIC_TENSOR }
        optional { c: NUMERIC_TENSOR }
        results { y: NUMERIC_TENSOR }
        attributes {
            alpha: f64 = Float(1.0),
            beta: f64 = Float(1.0),
            trans_a: i64 = Int(0),
            trans_b: i64 = Int(0),
        }
        traits: [PURE],
        verify: Some(verify_gemm),
        infer: Some(infer_gemm),
    }
}

pub(crate) const OPS: &[&OpDef] = &[&MATMUL, &GEMM];

/// Checks that the inner dims of a product agree (where both are static).
fn check_chain(a: &TensorType, b: &TensorType, columns: &Dim, rows: &Dim) -> Result<(), String> {
    unify_dims(columns, rows).map(drop).map_err(|_| {
        format!(
            "shapes {} and {} do not chain: {} columns against {} rows",
            format_shape(&a.shape),
            format_shape(&b.shape),
            format_dim(columns),
            format_dim(rows)
        )
    })
}

fn infer_matmul(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let element = common_element(&op, 0..2)?;
    let (a, b) = (operand(&op, 0)?, operand(&op, 1)?);
    Ok(vec![Type::Tensor(TensorType::new(matmul_shape(op.ctx(), &a, &b)?, element))])
}

/// The result shape of numpy `matmul` on operands of types `a` and `b`.
pub(crate) fn matmul_shape(ctx: &Context, a: &TensorType, b: &TensorType) -> Result<Vec<Dim>, String> {
    if a.rank() == 0 || b.rank() == 0 {
        return Err(format!(
            "operands must have rank at least 1, got shapes {} and {}",
            format_shape(&a.shape),
            format_shape(&b.shape)
        ));
    }
    // 1-D operands are promoted to a 1 x K row and a K x 1 column.
    let a_matrix =
        if a.rank() == 1 { vec![Dim::Static(1), a.shape[0].clone()] } else { a.shape[a.rank() - 2..].to_vec() };
    let b_matrix =
        if b.rank() == 1 { vec![b.shape[0].clone(), Dim::Static(1)] } else { b.shape[b.rank() - 2..].to_vec() };
    check_chain(a, b, &a_matrix[1], &b_matrix[0])?;
    let a_batch = &a.shape[..a.rank().saturating_sub(2)];
    let b_batch = &b.shape[..b.rank().saturating_sub(2)];
    let mut shape = broadcast_shapes(ctx, &[a_batch, b_batch]).map_err(|e| {
        format!("the batch axes of {} and {} do not broadcast: {e}", format_shape(&a.shape), format_shape(&b.shape))
    })?;
    if a.rank() > 1 {
        shape.push(a_matrix[0].clone());
    }
    if b.rank() > 1 {
        shape.push(b_matrix[1].clone());
    }
    Ok(shape)
}

/// ONNX `MatMul` and `Gemm` take floats, i32 and i64 (and unsigned 32/64-bit types the IR lacks).
fn verify_matmul(op: OpRef<'_>) -> Result<(), String> {
    require_element(&op, 0, is_float_or_wide_int, "a float type, i32 or i64")?;
    verify_inferred(op)
}

/// Operand `i` of gemm (named `name`) as rows and columns, transposed when the flag `transpose` is set.
fn gemm_matrix(op: &OpRef<'_>, i: usize, name: &str, transpose: &str) -> Result<(TensorType, [Dim; 2]), String> {
    let t = operand(op, i)?;
    let [rows, cols] = t.shape.as_slice() else {
        return Err(format!("operand `{name}` must be a matrix, got shape {}", format_shape(&t.shape)));
    };
    let matrix = if flag(op, transpose)? { [cols.clone(), rows.clone()] } else { [rows.clone(), cols.clone()] };
    Ok((t, matrix))
}

/// The rows and columns of gemm's `A'` and `B'`, whose inner dims must agree.
fn gemm_matrices(op: &OpRef<'_>) -> Result<[[Dim; 2]; 2], String> {
    let (a_type, a) = gemm_matrix(op, 0, "a", "trans_a")?;
    let (b_type, b) = gemm_matrix(op, 1, "b", "trans_b")?;
    check_chain(&a_type, &b_type, &a[1], &b[0])?;
    Ok([a, b])
}

fn infer_gemm(op: OpRef<'_>) -> Result<Vec<Type>, String> {
    let element = common_element(&op, 0..op.operands().len())?;
    let [[m, _], [_, n]] = gemm_matrices(&op)?;
    Ok(vec![Type::Tensor(TensorType::new(vec![m, n], element))])
}

fn verify_gemm(op: OpRef<'_>) -> Result<(), String> {
    require_element(&op, 0, is_float_or_wide_int, "a float type, i32 or i64")?;
    if let Some(c) = op.named_tensor("c")? {
        let [[m, _], [_, n]] = gemm_matrices(&op)?;
        check_broadcasts_to(&c.shape, &[m, n]).map_err(|e| format!("operand `c`: {e}"))?;
    }
    verify_inferred(op)
}
