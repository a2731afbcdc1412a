//! Tests of the `.ms` encoding and of every loader check: round trips, truncation, corruption, version, host,
//! trust, section table and structure. None of them runs kernel code, so they pass on any host.

mod common;

use common::{artefact, read_u64, reseal, section_entry, section_offset, write_u32, write_u64};
use msc_runtime::{
    Artefact, Base, DType, FORMAT_VERSION, LoadErrorKind, MAGIC, Model, Routine, TensorInfo, Trust, verified_hash,
};

const MANIFEST: u32 = 1;
const WEIGHTS: u32 = 2;
const PLAN: u32 = 3;
const CODE: u32 = 4;
const IR: u32 = 5;

/// Loads `bytes` trusting the producer and returns why it failed; fails the test if it loads.
fn load_error(bytes: &[u8]) -> LoadErrorKind {
    match Model::from_bytes(bytes, Trust::TrustedProducer) {
        Ok(_) => panic!("the artefact loaded"),
        Err(e) => {
            assert!(e.path().is_none());
            assert!(!e.to_string().is_empty());
            e.into_kind()
        }
    }
}

/// Encodes the fixture edited by `edit`. The hash is valid, so only the structural checks can reject it; the
/// inspection path (`Artefact::read`) must reject it too.
fn structural_error(edit: impl FnOnce(&mut Artefact)) -> LoadErrorKind {
    let mut a = artefact();
    edit(&mut a);
    let bytes = a.to_bytes();
    assert!(Artefact::read(&bytes).is_err());
    load_error(&bytes)
}

/// Edits the encoded fixture in place (e.g. its section table), re-seals the hash, and loads it.
fn edited_error(edit: impl FnOnce(&mut Vec<u8>)) -> LoadErrorKind {
    let mut bytes = artefact().to_bytes();
    edit(&mut bytes);
    reseal(&mut bytes);
    assert!(Artefact::read(&bytes).is_err());
    load_error(&bytes)
}

/// Overwrites the u64 at the offset `at` finds in the file.
fn patch_u64(bytes: &mut [u8], at: impl FnOnce(&[u8]) -> usize, value: u64) {
    let at = at(bytes);
    write_u64(bytes, at, value);
}

/// A CPU feature every host of this architecture has.
fn baseline_features() -> Vec<String> {
    if cfg!(target_arch = "x86_64") {
        vec!["sse2".into()]
    } else if cfg!(target_arch = "aarch64") {
        vec!["neon".into()]
    } else {
        Vec::new()
    }
}

#[test]
fn artefacts_round_trip_through_bytes() {
    for ir in [Some("module {}".to_owned()), None] {
        let mut a = artefact();
        a.ir = ir;
        a.cpu_features = baseline_features();
        let bytes = a.to_bytes();
        assert_eq!(bytes[..8], MAGIC);
        assert_eq!(section_offset(&bytes, WEIGHTS) % 64, 0);
        assert_eq!(Artefact::read(&bytes).unwrap(), a);

        let model = Model::from_bytes(&bytes, Trust::TrustedProducer).unwrap();
        assert_eq!(model.producer(), a.producer);
        assert_eq!(model.target(), a.target);
        assert_eq!(model.cpu_features(), a.cpu_features);
        assert_eq!(model.inputs(), a.manifest.inputs);
        assert_eq!(model.outputs(), a.manifest.outputs);
        assert_eq!(model.arena_size(), a.plan.arena_size);
        assert_eq!(model.weights_len(), a.weights.len());
        assert_eq!(model.code_len(), a.code.len());
        assert_eq!(model.plan(), &a.plan);
        assert_eq!(model.ir(), a.ir.as_deref());
        assert_eq!(model.hash(), verified_hash(&bytes).unwrap());
        assert_eq!(model.hash(), bytes[32..64]);
        let steps: Vec<_> = model.steps().map(|s| (s.name, s.op_type, s.kernel, s.tiles)).collect();
        assert_eq!(steps[0], ("onnx:add_w", "nn.add", "add", 37));
        assert_eq!(steps[5], ("onnx:counts", "nn.identity", "copy16", 63));
        assert_eq!(steps.len(), 6);
    }
}

#[test]
fn an_empty_artefact_round_trips() {
    let a = Artefact {
        producer: String::new(),
        target: msc_runtime::host_triple(),
        cpu_features: Vec::new(),
        manifest: Default::default(),
        weights: Vec::new(),
        plan: Default::default(),
        code: Vec::new(),
        ir: None,
    };
    let bytes = a.to_bytes();
    assert_eq!(Artefact::read(&bytes).unwrap(), a);
    let model = Model::from_bytes(bytes, Trust::TrustedProducer).unwrap();
    assert_eq!((model.code_len(), model.weights_len(), model.steps().len()), (0, 0, 0));
}

#[test]
fn files_load_through_a_memory_map() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.ms");
    let bytes = artefact().to_bytes();
    std::fs::write(&path, &bytes).unwrap();
    let model = Model::load_file(&path, Trust::ExpectedHash(verified_hash(&bytes).unwrap())).unwrap();
    assert_eq!(model.weights_len(), common::weights().len());
    assert_eq!(model.plan(), &artefact().plan);

    std::fs::write(&path, &bytes[..100]).unwrap();
    let error = Model::load_file(&path, Trust::TrustedProducer).err().unwrap();
    assert_eq!(error.path(), Some(path.as_path()));
    assert!(error.to_string().starts_with(&format!("{}: truncated artefact", path.display())), "{error}");

    let missing = dir.path().join("missing.ms");
    let error = Model::load_file(&missing, Trust::TrustedProducer).err().unwrap();
    assert!(matches!(error.kind(), LoadErrorKind::Io { .. }), "{error}");
    assert!(error.to_string().contains("missing.ms"));
}

#[test]
fn every_prefix_is_reported_as_truncated() {
    let bytes = artefact().to_bytes();
    for n in 0..bytes.len() {
        let expected = if n < 64 { 64 } else { bytes.len() as u64 };
        match load_error(&bytes[..n]) {
            LoadErrorKind::Truncated { expected: e, found } if e == expected && found == n as u64 => {}
            other => panic!("prefix of {n} bytes: {other:?}"),
        }
        assert!(Artefact::read(&bytes[..n]).is_err());
    }
    let message = Model::from_bytes(&bytes[..100], Trust::TrustedProducer).err().unwrap().to_string();
    assert_eq!(
        message,
        format!(
            "truncated artefact: expected {} bytes, found 100; the file was cut short, copy or compile it again",
            bytes.len()
        )
    );
}

#[test]
fn every_bit_flip_is_detected() {
    let bytes = artefact().to_bytes();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[i] ^= 1 << bit;
            let kind = load_error(&flipped);
            let expected = match i {
                0..8 => matches!(kind, LoadErrorKind::BadMagic),
                8..12 => matches!(kind, LoadErrorKind::UnsupportedVersion { .. }),
                12..16 => matches!(kind, LoadErrorKind::Malformed { section: "header", .. }),
                16..24 => matches!(
                    kind,
                    LoadErrorKind::Malformed { section: "header", .. } | LoadErrorKind::HashMismatch { .. }
                ),
                24..32 => {
                    matches!(kind, LoadErrorKind::Malformed { section: "header", .. } | LoadErrorKind::Truncated { .. })
                }
                _ => matches!(kind, LoadErrorKind::HashMismatch { .. }),
            };
            assert!(expected, "bit {bit} of byte {i}: {kind:?}");
        }
    }
    let mut flipped = bytes.clone();
    *flipped.last_mut().unwrap() ^= 1;
    let message = load_error(&flipped).to_string();
    assert!(message.contains("the file is corrupted or was modified after it was written"), "{message}");
}

#[test]
fn other_files_are_not_artefacts() {
    for bytes in [&b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"[..], b"\x89PNG\r\n\x1a\n", b"\x89MSX"] {
        let kind = load_error(bytes);
        assert!(matches!(kind, LoadErrorKind::BadMagic), "{kind:?}");
        assert!(kind.to_string().starts_with("not an msc artefact (.ms)"));
    }
    assert!(matches!(load_error(b""), LoadErrorKind::Truncated { expected: 64, found: 0 }));
    assert!(matches!(load_error(b"\x89MS"), LoadErrorKind::Truncated { expected: 64, found: 3 }));
}

#[test]
fn newer_and_zero_versions_are_rejected() {
    for version in [FORMAT_VERSION + 1, 0] {
        let kind = edited_error(|b| write_u32(b, 8, version));
        assert!(
            matches!(kind, LoadErrorKind::UnsupportedVersion { found, supported: FORMAT_VERSION } if found == version),
            "{kind:?}"
        );
    }
    let message = edited_error(|b| write_u32(b, 8, 7)).to_string();
    assert!(
        message.starts_with("unsupported artefact format version 7; this runtime reads versions 1 to 2"),
        "{message}"
    );
}

#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
#[test]
fn artefacts_for_another_target_are_rejected_with_both_triples() {
    let mut a = artefact();
    a.target = "aarch64-unknown-linux-gnu".into();
    let bytes = a.to_bytes();
    let error = Model::from_bytes(&bytes, Trust::TrustedProducer).err().unwrap();
    assert_eq!(
        error.to_string(),
        "the artefact was built for aarch64-unknown-linux-gnu; this host is x86_64-unknown-linux-gnu; \
         compile the model again for this host"
    );
    // Inspection does not depend on the host.
    assert_eq!(Artefact::read(&bytes).unwrap().target, "aarch64-unknown-linux-gnu");

    // Same architecture, other operating system (another calling convention).
    a.target = "x86_64-pc-windows-msvc".into();
    assert!(matches!(load_error(&a.to_bytes()), LoadErrorKind::TargetMismatch { .. }));
    // Vendor and environment do not matter.
    a.target = "x86_64-pc-linux-musl".into();
    assert!(Model::from_bytes(a.to_bytes(), Trust::TrustedProducer).is_ok());
}

#[test]
fn unparsable_targets_are_rejected() {
    let mut a = artefact();
    a.target = "not-a-target".into();
    match load_error(&a.to_bytes()) {
        LoadErrorKind::InvalidTarget { target, .. } => assert_eq!(target, "not-a-target"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_cpu_features_are_listed() {
    let mut a = artefact();
    a.cpu_features = baseline_features();
    a.cpu_features.push("made-up-feature".into());
    a.cpu_features.push("another-one".into());
    let kind = load_error(&a.to_bytes());
    let expected = ["made-up-feature", "another-one"];
    assert!(matches!(&kind, LoadErrorKind::MissingCpuFeatures { missing } if missing == &expected), "{kind:?}");
    assert!(kind.to_string().contains("requires: made-up-feature, another-one;"), "{kind}");
}

#[test]
fn the_expected_hash_must_match() {
    let bytes = artefact().to_bytes();
    let hash = verified_hash(&bytes).unwrap();
    assert!(Model::from_bytes(&bytes, Trust::ExpectedHash(hash)).is_ok());
    let mut other = hash;
    other[0] ^= 1;
    let error = Model::from_bytes(&bytes, Trust::ExpectedHash(other)).err().unwrap();
    assert!(matches!(error.kind(), LoadErrorKind::UntrustedHash { .. }));
    assert!(error.to_string().starts_with("refusing to load native code"), "{error}");

    // The trust decision comes before anything in the file is looked at, even its target.
    let mut foreign = artefact();
    foreign.target = "riscv64gc-unknown-linux-gnu".into();
    let error = Model::from_bytes(foreign.to_bytes(), Trust::ExpectedHash(hash)).err().unwrap();
    assert!(matches!(error.kind(), LoadErrorKind::UntrustedHash { .. }));
}

#[test]
fn buffer_references_must_lie_in_their_bases() {
    let kind = structural_error(|a| a.plan.steps[0].args[0].len += 1);
    match kind {
        LoadErrorKind::BufferOutOfBounds { step: 0, arg: 0, ref base, offset: 0, len: 149, base_len: 148, .. } => {
            assert_eq!(base, "input 0");
        }
        other => panic!("{other:?}"),
    }
    let weights_len = common::weights().len() as u64;
    let arena = artefact().plan.arena_size;
    for (step, arg, offset, len) in [
        (0, 1, weights_len - 147, 148), // weights
        (0, 2, arena - 100, 148),       // arena
        (1, 1, 4, 148),                 // output
        (0, 1, u64::MAX, 1),            // offset + len overflows
        (3, 0, 0, u64::MAX),            // length larger than anything
    ] {
        let kind = structural_error(|a| {
            a.plan.steps[step].args[arg].offset = offset;
            a.plan.steps[step].args[arg].len = len;
        });
        assert!(
            matches!(kind, LoadErrorKind::BufferOutOfBounds { step: s, arg: g, .. } if s == step && g == arg),
            "step {step} arg {arg}: {kind:?}"
        );
    }
    for base in [Base::Input(1), Base::Output(3), Base::Output(u32::MAX)] {
        let kind = structural_error(|a| a.plan.steps[1].args[1].base = base);
        assert!(matches!(kind, LoadErrorKind::BadBaseIndex { step: 1, arg: 1, .. }), "{kind:?}");
    }
    let message = structural_error(|a| a.plan.steps[1].args[1].base = Base::Output(3)).to_string();
    assert_eq!(message, "step 1 (`onnx:add_one`) argument 1 refers to output 3, but the model has 3 outputs");
}

#[test]
fn kernels_must_lie_in_the_code() {
    let code_len = artefact().code.len() as u64;
    for (offset, len) in [(code_len, 1), (code_len - 3, 4), (0, 0), (u64::MAX, 2), (5, u64::MAX)] {
        let kind = structural_error(|a| {
            a.plan.kernels[2].code_offset = offset;
            a.plan.kernels[2].code_len = len;
        });
        assert!(matches!(kind, LoadErrorKind::KernelOutOfBounds { index: 2, .. }), "{offset}+{len}: {kind:?}");
    }
}

#[test]
fn steps_must_call_existing_kernels_with_abi_sized_tile_counts() {
    let kind = structural_error(|a| a.plan.steps[3].routine = Routine::Kernel(4));
    assert!(matches!(kind, LoadErrorKind::BadKernelIndex { step: 3, kernel: 4, kernels: 4, .. }), "{kind:?}");
    let kind = structural_error(|a| a.plan.steps[0].tiles = i64::MAX as u64 + 1);
    assert!(matches!(kind, LoadErrorKind::TooManyTiles { step: 0, .. }), "{kind:?}");
}

#[test]
fn manifests_must_have_unique_names_and_sizes_that_fit() {
    let kind = structural_error(|a| {
        a.manifest.inputs.push(TensorInfo { name: "x".into(), dtype: DType::I8, shape: vec![] });
    });
    assert!(matches!(kind, LoadErrorKind::DuplicateTensorName { list: "input", ref name } if name == "x"), "{kind:?}");
    let kind = structural_error(|a| a.manifest.outputs[2].name = "y".into());
    assert!(matches!(kind, LoadErrorKind::DuplicateTensorName { list: "output", .. }), "{kind:?}");
    let kind = structural_error(|a| a.manifest.outputs[0].shape = vec![u64::MAX / 2, 1]);
    assert!(matches!(kind, LoadErrorKind::SizeOverflow { .. }), "{kind:?}");
    let kind = structural_error(|a| a.manifest.outputs[1].shape = vec![1 << 32, 1 << 31]);
    assert!(matches!(kind, LoadErrorKind::SizeOverflow { .. }), "{kind:?}");
    let kind = structural_error(|a| a.plan.arena_size = u64::MAX);
    assert!(matches!(kind, LoadErrorKind::SizeOverflow { .. }), "{kind:?}");
}

#[test]
fn section_tables_are_checked() {
    // Unknown sections: required ones are refused, optional ones skipped.
    let kind = edited_error(|b| {
        let entry = section_entry(b, IR);
        write_u32(b, entry, 99);
        write_u32(b, entry + 4, 1);
    });
    assert!(matches!(kind, LoadErrorKind::UnknownRequiredSection { kind: 99 }), "{kind:?}");
    let mut bytes = artefact().to_bytes();
    let entry = section_entry(&bytes, IR);
    write_u32(&mut bytes, entry, 99);
    reseal(&mut bytes);
    let model = Model::from_bytes(&bytes, Trust::TrustedProducer).unwrap();
    assert_eq!(model.ir(), None);

    let kind = edited_error(|b| {
        let entry = section_entry(b, CODE);
        write_u32(b, entry, 99);
        write_u32(b, entry + 4, 0);
    });
    assert!(
        matches!(&kind, LoadErrorKind::BadSectionTable { detail } if detail == "the required code section is missing"),
        "{kind:?}"
    );
    let kind = edited_error(|b| {
        let entry = section_entry(b, IR);
        write_u32(b, entry, MANIFEST);
    });
    assert!(matches!(&kind, LoadErrorKind::BadSectionTable { detail } if detail.contains("twice")), "{kind:?}");

    let kind = edited_error(|b| {
        let entry = section_entry(b, WEIGHTS);
        let offset = read_u64(b, entry + 8);
        write_u64(b, entry + 8, offset + 8);
    });
    assert!(matches!(kind, LoadErrorKind::MisalignedWeights { .. }), "{kind:?}");

    // Out of the file, overflowing, overlapping another section, overlapping the header.
    let edits: [fn(&mut Vec<u8>); 4] = [
        |b| {
            let entry = section_entry(b, CODE);
            let len = read_u64(b, entry + 16);
            write_u64(b, entry + 16, len + 1);
        },
        |b| {
            let at = section_entry(b, CODE) + 16;
            write_u64(b, at, u64::MAX);
        },
        |b| {
            let manifest = section_offset(b, MANIFEST) as u64;
            let at = section_entry(b, IR) + 8;
            write_u64(b, at, manifest);
        },
        |b| {
            let at = section_entry(b, PLAN) + 8;
            write_u64(b, at, 0);
        },
    ];
    for edit in edits {
        let kind = edited_error(edit);
        assert!(matches!(kind, LoadErrorKind::SectionOutOfBounds { .. }), "{kind:?}");
    }
}

#[test]
fn corrupt_counts_and_encodings_are_malformed_not_allocated() {
    let malformed = |kind: LoadErrorKind, section: &str, needle: &str| match kind {
        LoadErrorKind::Malformed { section: s, detail } if s == section && detail.contains(needle) => {}
        other => panic!("expected malformed {section} ({needle}), got {other:?}"),
    };
    // A section count, a kernel count and a dimension count of 2^64 - 1.
    malformed(edited_error(|b| patch_u64(b, |b| read_u64(b, 16) as usize, u64::MAX)), "section table", "cannot fit");
    malformed(edited_error(|b| patch_u64(b, |b| section_offset(b, PLAN) + 8, u64::MAX)), "plan", "cannot fit");
    // Manifest: input count, name length, "x", dtype code, rank.
    malformed(edited_error(|b| patch_u64(b, |b| section_offset(b, MANIFEST) + 18, u64::MAX)), "manifest", "cannot fit");
    malformed(
        edited_error(|b| {
            let at = section_offset(b, MANIFEST) + 17;
            b[at] = 200;
        }),
        "manifest",
        "unknown dtype code 200",
    );
    // A string longer than its section, and one that is not UTF-8 (the producer's first byte).
    malformed(edited_error(|b| patch_u64(b, |b| section_offset(b, MANIFEST) + 8, 1 << 40)), "manifest", "needs");
    malformed(edited_error(|b| b[72] = 0xff), "header", "not UTF-8");
    malformed(edited_error(|b| write_u32(b, 12, 1)), "header", "reserved");
    malformed(edited_error(|b| write_u64(b, 16, 10)), "header", "header length");
    // Bytes after the end the header records.
    malformed(edited_error(|b| b.push(0)), "header", "after the end");
}

/// Random corruption with a valid hash (what a buggy or hostile producer could write) is rejected or loaded,
/// never a panic or an abort.
#[test]
fn random_corruption_with_a_valid_hash_never_panics() {
    let original = artefact().to_bytes();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..1 + next() % 4 {
            let at = 64 + (next() as usize) % (bytes.len() - 64);
            bytes[at] = match next() % 3 {
                0 => 0xff,
                1 => 0,
                _ => next() as u8,
            };
        }
        reseal(&mut bytes);
        let _ = Artefact::read(&bytes);
        let _ = Model::from_bytes(&bytes, Trust::TrustedProducer);
    }
}
