//! MatMul/Gemm rules: gemm as `nn.fused_matmul` (its transposes as attributes, α and βc in the
//! epilogue), transposes of an operand's last two dims absorbed into `trans_a`/`trans_b` (also out of a
//! transpose that moves the last axis to the second-to-last place), and bias
//! adds, scalar scales and activations after a matmul fused into its epilogue.

use super::elementwise::{STEP_OPS, append_step};
use super::{OpNode, Rule, Rw};
use crate::egraph::lang::OpSig;
use msc_ir::Attribute;
use std::sync::Arc;

pub const RULES: &[&Rule] = &[&GEMM_TO_FUSED_MATMUL, &ABSORB_TRANSPOSE_INTO_MATMUL, &FUSE_MATMUL_EPILOGUE];

// gemm(a, b, c; α, β, tA, tB) ==> fused_matmul(a, b, α, β·c; tA, tB, epilogue = [mul $2, add $3])
pub static GEMM_TO_FUSED_MATMUL: Rule = Rule {
    name: "gemm-to-fused-matmul",
    roots: &["nn.gemm"],
    creates: &["nn.fused_matmul"],
    apply: |rw, _, gemm| {
        let (alpha, beta) = (gemm.sig.float("alpha")?, gemm.sig.float("beta")?);
        let mut args = vec![gemm.args[0], gemm.args[1]];
        let mut epilogue = Vec::new();
        if alpha != 1.0 {
            args.push(rw.scalar_like(gemm.args[0], alpha)?);
            epilogue.push(Attribute::string(format!("mul ${}", args.len() - 1)));
        }
        if let Some(&c) = gemm.args.get(2) {
            let c = if beta == 1.0 {
                c
            } else {
                let beta = rw.scalar_like(c, beta)?;
                rw.binary("nn.mul", c, beta)?
            };
            args.push(c);
            epilogue.push(Attribute::string(format!("add ${}", args.len() - 1)));
        }
        let attrs = [
            ("trans_a", Attribute::Int(gemm.sig.int("trans_a")?)),
            ("trans_b", Attribute::Int(gemm.sig.int("trans_b")?)),
            ("epilogue", Attribute::Array(epilogue)),
        ];
        rw.build("nn.fused_matmul", &attrs, &args)
    },
};

// matmul(transpose(a, swap last two), b) ==> fused_matmul(a, b; trans_a = 1)   (likewise for b)
// matmul(transpose(a, p), b) ==> fused_matmul(transpose(a, p with its last two swapped), b; trans_a = 1)
//   when p moves a's last axis to the second-to-last place: the transpose left keeps rows contiguous (an
//   attention's Kᵀ, `[0, 2, 3, 1]`, becomes the head split `[0, 2, 1, 3]`, a copy of whole rows)
pub static ABSORB_TRANSPOSE_INTO_MATMUL: Rule = Rule {
    name: "absorb-transpose-into-matmul",
    roots: &["nn.matmul", "nn.fused_matmul"],
    creates: &["nn.fused_matmul", "nn.transpose"],
    apply: |rw, _, op| {
        let fused = as_fused_matmul(rw, op)?;
        for (i, flag) in [(0, "trans_a"), (1, "trans_b")] {
            for t in rw.ops(op.args[i], "nn.transpose") {
                let Some(mut perm) = super::shape::perm(rw, &t) else { continue };
                let n = perm.len();
                if n < 2 || perm[n - 2] != n as i64 - 1 {
                    continue;
                }
                perm.swap(n - 2, n - 1);
                let identity = perm.iter().enumerate().all(|(d, &p)| p == d as i64);
                let operand = if identity { t.args[0] } else { rw.transpose(t.args[0], &perm)? };
                let toggled = 1 - fused.sig.int(flag)?;
                let mut args = fused.args.clone();
                args[i] = operand;
                return rw.add(fused.sig.with(&[(flag, Some(Attribute::Int(toggled)))]), &args);
            }
        }
        None
    },
};

// e(matmul(a, b), c...) ==> fused_matmul(a, b, c...; epilogue = [..., e])   (bias adds, scalar scales, activations)
pub static FUSE_MATMUL_EPILOGUE: Rule = Rule {
    name: "fuse-matmul-epilogue",
    roots: STEP_OPS,
    creates: &["nn.fused_matmul"],
    apply: |rw, class, op| {
        let mut built = Vec::new();
        for acc in op.args.clone() {
            let candidates: Vec<OpNode> =
                rw.ops(acc, "nn.fused_matmul").into_iter().chain(rw.ops(acc, "nn.matmul")).collect();
            for node in candidates {
                if let Some(fused) = as_fused_matmul(rw, &node) {
                    built.extend(append_step(rw, &fused, op, acc, class));
                }
            }
        }
        rw.alternatives(class, built)
    },
};

/// A matmul or fused matmul as an `nn.fused_matmul` (not added to the e-graph).
fn as_fused_matmul(rw: &Rw<'_>, node: &OpNode) -> Option<OpNode> {
    if node.name() == "nn.fused_matmul" {
        return Some(node.clone());
    }
    let def = rw.egraph.analysis.registry.op("nn.fused_matmul")?;
    let sig = OpSig { def, attrs: Default::default(), result: 0 };
    Some(OpNode { sig: Arc::new(sig), args: node.args.clone() })
}
