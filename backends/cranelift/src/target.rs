//! Targets: the triple, the Cranelift ISA and shared flags, and the CPU features the generated
//! code needs.
//!
//! Baselines for ahead-of-time targets:
//! - `x86_64` is x86-64-v3 (Haswell and later): `sse3 ssse3 sse4.1 sse4.2 popcnt avx avx2 fma bmi1
//!   bmi2 lzcnt` (SSE4.1 gives native floor/ceil/trunc/roundeven, FMA native `math.fma`).
//! - `aarch64` is ARMv8.0-A with `neon` (always present on aarch64 Linux).
//!
//! `host` detects the running CPU with `cranelift-native`. Shared flags everywhere: `opt_level =
//! speed`, `is_pic`, no stack probes, the verifier on.

use crate::Error;
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use std::fmt;
use std::str::FromStr;
use target_lexicon::{Architecture, Triple};

/// The x86-64-v3 flags enabled for the `x86_64` AOT target.
const X86_64_V3: &[&str] = &[
    "has_sse3",
    "has_ssse3",
    "has_sse41",
    "has_sse42",
    "has_popcnt",
    "has_avx",
    "has_avx2",
    "has_fma",
    "has_bmi1",
    "has_bmi2",
    "has_lzcnt",
];

/// A code generation target.
#[derive(Clone)]
pub struct Target {
    /// The target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub triple: Triple,
    /// The Cranelift ISA flags enabled (`has_avx2`, `has_fma`, ...).
    pub isa_flags: Vec<String>,
    /// The CPU features the code requires, spelled as `is_x86_feature_detected!` /
    /// `is_aarch64_feature_detected!` spell them (`sse4.1`, `avx2`, `neon`).
    pub cpu_features: Vec<String>,
    /// Whether innermost loops get a 4-lane vector loop (on by default; off gives the plain
    /// scalar translation, e.g. to compare the two).
    pub vectorize: bool,
    pub(crate) isa: OwnedTargetIsa,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("triple", &self.triple.to_string())
            .field("isa_flags", &self.isa_flags)
            .field("cpu_features", &self.cpu_features)
            .field("vectorize", &self.vectorize)
            .finish()
    }
}

impl Target {
    /// Whether `math.fma` is one instruction (else it is a multiply then an add).
    pub fn has_fma(&self) -> bool {
        match self.triple.architecture {
            Architecture::X86_64 => self.isa_flags.iter().any(|f| f == "has_fma"),
            _ => true,
        }
    }
}

/// Parses `host`, `x86_64`, `arm64`, `aarch64` or a full target triple.
pub fn parse_target(s: &str) -> Result<Target, Error> {
    let unknown = |reason: String| Error::UnknownTarget { target: s.to_string(), reason };
    let (builder, baseline): (isa::Builder, &[&str]) = match s {
        "host" => (cranelift_native::builder().map_err(|e| unknown(e.to_string()))?, &[]),
        _ => {
            let name = match s {
                "x86_64" => "x86_64-unknown-linux-gnu",
                "arm64" | "aarch64" => "aarch64-unknown-linux-gnu",
                other => other,
            };
            let triple = Triple::from_str(name).map_err(|e| unknown(e.to_string()))?;
            let baseline: &[&str] = match triple.architecture {
                Architecture::X86_64 => X86_64_V3,
                Architecture::Aarch64(_) => &[],
                other => {
                    return Err(unknown(format!("architecture {other} is not supported (x86_64 and aarch64 are)")));
                }
            };
            (isa::lookup(triple).map_err(|e| unknown(e.to_string()))?, baseline)
        }
    };
    build(s, builder, baseline)
}

fn build(name: &str, mut builder: isa::Builder, baseline: &[&str]) -> Result<Target, Error> {
    let fail = |reason: String| Error::Target { target: name.to_string(), reason };
    for flag in baseline {
        builder.enable(flag).map_err(|e| fail(format!("ISA flag {flag}: {e}")))?;
    }
    let mut shared = settings::builder();
    for (flag, value) in
        [("opt_level", "speed"), ("is_pic", "true"), ("enable_probestack", "false"), ("enable_verifier", "true")]
    {
        shared.set(flag, value).map_err(|e| fail(format!("flag {flag}: {e}")))?;
    }
    let isa = builder.finish(settings::Flags::new(shared)).map_err(|e| fail(e.to_string()))?;
    let triple = isa.triple().clone();
    let isa_flags: Vec<String> = isa
        .isa_flags()
        .iter()
        .filter(|v| v.name.starts_with("has_") && v.as_bool() == Some(true))
        .map(|v| v.name.to_string())
        .collect();
    let mut cpu_features: Vec<String> = Vec::new();
    if matches!(triple.architecture, Architecture::Aarch64(_)) {
        cpu_features.push("neon".into());
    }
    cpu_features.extend(isa_flags.iter().filter_map(|f| feature_name(f)).map(String::from));
    Ok(Target { triple, isa_flags, cpu_features, vectorize: true, isa })
}

/// The `is_*_feature_detected!` spelling of a Cranelift ISA flag.
fn feature_name(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "has_sse3" => "sse3",
        "has_ssse3" => "ssse3",
        "has_cmpxchg16b" => "cmpxchg16b",
        "has_sse41" => "sse4.1",
        "has_sse42" => "sse4.2",
        "has_popcnt" => "popcnt",
        "has_avx" => "avx",
        "has_avx2" => "avx2",
        "has_fma" => "fma",
        "has_bmi1" => "bmi1",
        "has_bmi2" => "bmi2",
        "has_lzcnt" => "lzcnt",
        "has_avx_vnni" => "avxvnni",
        "has_avx512bitalg" => "avx512bitalg",
        "has_avx512dq" => "avx512dq",
        "has_avx512vl" => "avx512vl",
        "has_avx512vbmi" => "avx512vbmi",
        "has_avx512f" => "avx512f",
        "has_avx512vnni" => "avx512vnni",
        "has_lse" => "lse",
        "has_pauth" => "paca",
        "has_fp16" => "fp16",
        "has_dotprod" => "dotprod",
        "has_i8mm" => "i8mm",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_expand_to_linux_triples_with_baselines() {
        let x = parse_target("x86_64").unwrap();
        assert_eq!(x.triple.to_string(), "x86_64-unknown-linux-gnu");
        for f in ["sse4.1", "sse4.2", "avx", "avx2", "fma", "bmi1", "bmi2", "lzcnt", "popcnt"] {
            assert!(x.cpu_features.iter().any(|c| c == f), "{f} missing from {:?}", x.cpu_features);
        }
        assert!(x.has_fma());
        for name in ["arm64", "aarch64", "aarch64-unknown-linux-gnu"] {
            let a = parse_target(name).unwrap();
            assert_eq!(a.triple.to_string(), "aarch64-unknown-linux-gnu");
            assert_eq!(a.cpu_features, vec!["neon".to_string()]);
        }
    }

    #[test]
    fn host_and_bad_targets() {
        let host = parse_target("host").unwrap();
        assert_eq!(host.triple, Triple::host());
        let err = parse_target("riscv64gc-unknown-linux-gnu").unwrap_err().to_string();
        assert!(err.contains("not supported"), "{err}");
        let err = parse_target("not-a-target").unwrap_err().to_string();
        assert!(err.contains("unknown target 'not-a-target'"), "{err}");
    }
}
