//! Reading model bytes: memory-mapped files wrapped in [`Bytes`] (so decoded `raw_data` fields are
//! slices of the map, not copies), protobuf decoding, and external tensor data, whose paths are
//! confined to the model's directory by `msc_frontend::ExternalFiles`.

use crate::error::ImportError;
use crate::proto::TensorProto;
use crate::proto::tensor_proto::DataLocation;
use bytes::Bytes;
use msc_frontend::ExternalFiles;
use prost::Message;
use std::path::Path;

/// Maps `path` into memory (see [`msc_frontend::map_file`]).
pub(crate) fn map_file(path: &Path) -> Result<Bytes, ImportError> {
    msc_frontend::map_file(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })
}

/// Decodes a message from shared bytes; `bytes` fields become slices of `bytes`.
pub(crate) fn decode<M: Message + Default>(bytes: Bytes, what: &str) -> Result<M, ImportError> {
    M::decode(bytes).map_err(|source| ImportError::Decode { what: what.to_string(), source })
}

/// Resolves external tensor data inside one directory (see [`ExternalFiles`]).
pub(crate) struct ExternalData(ExternalFiles);

impl ExternalData {
    /// External data relative to `dir`, the directory of the model file (`None`: none allowed).
    pub(crate) fn new(dir: Option<&Path>) -> ExternalData {
        ExternalData(ExternalFiles::new(dir))
    }

    /// Whether the tensor's data lives in an external file.
    pub(crate) fn is_external(t: &TensorProto) -> bool {
        t.data_location == DataLocation::External as i32
    }

    /// The bytes of an external tensor: `location` (required), `offset` and `length` (optional)
    /// from its `external_data` entries, checked against the directory and the file's size.
    pub(crate) fn read(&mut self, t: &TensorProto) -> Result<Bytes, ImportError> {
        let entry = |key: &str| t.external_data.iter().find(|e| e.key == key).map(|e| e.value.as_str());
        let location = entry("location").unwrap_or_default();
        let fail = |reason: String| ImportError::ExternalData {
            tensor: t.name.clone(),
            location: location.to_string(),
            reason,
        };
        if location.is_empty() {
            return Err(fail("the external_data entries have no 'location'".into()));
        }
        let number = |key: &str| -> Result<Option<u64>, ImportError> {
            entry(key)
                .map(|v| v.trim().parse::<u64>().map_err(|_| fail(format!("'{key}' = '{v}' is not a byte count"))))
                .transpose()
        };
        let (offset, length) = (number("offset")?, number("length")?);
        self.0.read(location, offset, length).map_err(fail)
    }
}
