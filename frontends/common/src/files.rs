//! Model bytes: memory-mapped files wrapped in [`Bytes`] (so decoded `bytes` fields are slices of the
//! map, not copies), and [`ExternalFiles`], the weight files that ONNX external data and MindIR
//! external parameters point to, whose paths are confined to the model's directory
//! (CVE-2022-25882, CVE-2024-27318: a model must not read `../../etc/passwd` or follow a symlink out).

use bytes::Bytes;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

/// Maps `path` into memory; the bytes stay valid as long as any slice of them lives.
///
/// Like every memory-mapped reader, this assumes the file is not truncated or rewritten while
/// mapped (the same assumption ONNX Runtime and tract make).
pub fn map_file(path: &Path) -> std::io::Result<Bytes> {
    let file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Ok(Bytes::new());
    }
    // SAFETY: the map is read-only and owned by the returned `Bytes`; the file is assumed not to
    // change while mapped (see above).
    let map = unsafe { memmap2::Mmap::map(&file) }?;
    Ok(Bytes::from_owner(map))
}

/// The directory holding `path` (`.` for a bare file name).
pub fn model_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Weight files inside one directory, each mapped once.
pub struct ExternalFiles {
    dir: Option<PathBuf>,
    files: HashMap<PathBuf, Bytes>,
}

impl ExternalFiles {
    /// Files relative to `dir`, the directory of the model file (`None`: none allowed).
    pub fn new(dir: Option<&Path>) -> ExternalFiles {
        ExternalFiles { dir: dir.map(Path::to_path_buf), files: HashMap::new() }
    }

    /// `length` bytes (to the end of the file when `None`) at `offset` of the file `location`, a
    /// path relative to the model directory; checked against the directory and the file's size.
    pub fn read(&mut self, location: &str, offset: Option<u64>, length: Option<u64>) -> Result<Bytes, String> {
        if location.is_empty() {
            return Err("no file location is given".into());
        }
        let path = self.resolve(location)?;
        let data = match self.files.get(&path) {
            Some(data) => data.clone(),
            None => {
                let data = map_file(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                self.files.insert(path, data.clone());
                data
            }
        };
        let size = data.len() as u64;
        let start = offset.unwrap_or(0);
        if start > size {
            return Err(format!("offset {start} is beyond the end of the file ({size} bytes)"));
        }
        let end = match length {
            Some(len) => start
                .checked_add(len)
                .filter(|&end| end <= size)
                .ok_or_else(|| format!("offset {start} + length {len} is beyond the end of the file ({size} bytes)"))?,
            None => size,
        };
        Ok(data.slice(start as usize..end as usize))
    }

    /// The canonical path of `location`: relative, without `..`, and inside the model directory
    /// once symlinks are resolved.
    fn resolve(&self, location: &str) -> Result<PathBuf, String> {
        let relative = Path::new(location);
        for component in relative.components() {
            match component {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => return Err("paths with '..' components are not allowed".into()),
                Component::RootDir | Component::Prefix(_) => {
                    return Err("absolute paths are not allowed; external data must be relative to the model".into());
                }
            }
        }
        let dir = self
            .dir
            .as_deref()
            .ok_or("the model was not loaded from a file, so there is no directory for its external data")?;
        let root =
            dir.canonicalize().map_err(|e| format!("cannot resolve the model directory {}: {e}", dir.display()))?;
        let path = root.join(relative).canonicalize().map_err(|e| format!("cannot open the file: {e}"))?;
        if !path.starts_with(&root) {
            return Err(format!(
                "the path resolves to {}, outside the model directory {} (through a symlink)",
                path.display(),
                root.display()
            ));
        }
        if !path.is_file() {
            return Err("not a regular file".into());
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_slices_inside_the_directory_and_refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("w.bin"), [1u8, 2, 3, 4, 5]).unwrap();
        let mut files = ExternalFiles::new(Some(dir.path()));
        assert_eq!(&files.read("w.bin", Some(1), Some(3)).unwrap()[..], &[2, 3, 4]);
        assert_eq!(&files.read("./w.bin", Some(4), None).unwrap()[..], &[5]);
        assert!(files.read("w.bin", Some(4), Some(2)).unwrap_err().contains("beyond the end"));
        assert!(files.read("../w.bin", None, None).unwrap_err().contains("'..'"));
        assert!(files.read("/etc/passwd", None, None).unwrap_err().contains("absolute"));
        assert!(ExternalFiles::new(None).read("w.bin", None, None).unwrap_err().contains("not loaded from a file"));
    }
}
