//! Zero-initialized, 64-byte aligned heap buffers: the storage of tensors, arenas and copied weights.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

/// Alignment of every buffer the runtime hands to kernels.
pub const BUFFER_ALIGN: usize = 64;

/// An owned, zero-initialized byte buffer aligned to [`BUFFER_ALIGN`].
pub(crate) struct AlignedBuf {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: `AlignedBuf` owns its allocation exclusively, like a `Box<[u8]>`.
unsafe impl Send for AlignedBuf {}
// SAFETY: shared access only hands out `&[u8]`.
unsafe impl Sync for AlignedBuf {}

/// The allocator refused a request of this many bytes (or it exceeds `isize::MAX`).
#[derive(Debug)]
pub(crate) struct AllocError(pub usize);

impl AlignedBuf {
    /// A buffer of `len` zero bytes.
    pub fn zeroed(len: usize) -> Result<AlignedBuf, AllocError> {
        if len == 0 {
            return Ok(AlignedBuf { ptr: dangling(), len });
        }
        let layout = Layout::from_size_align(len, BUFFER_ALIGN).map_err(|_| AllocError(len))?;
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc::alloc_zeroed(layout) };
        NonNull::new(ptr).map(|ptr| AlignedBuf { ptr, len }).ok_or(AllocError(len))
    }

    /// A buffer holding a copy of `bytes`.
    pub fn copy_of(bytes: &[u8]) -> Result<AlignedBuf, AllocError> {
        let mut buf = AlignedBuf::zeroed(bytes.len())?;
        buf.as_mut_slice().copy_from_slice(bytes);
        Ok(buf)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is valid for `len` initialized bytes (or dangling and aligned with `len == 0`).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in `as_slice`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }

    /// The start of the buffer, for kernels to write through.
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        if self.len != 0 {
            // SAFETY: allocated in `zeroed` with exactly this layout, which was valid then.
            unsafe { alloc::dealloc(self.ptr.as_ptr(), Layout::from_size_align_unchecked(self.len, BUFFER_ALIGN)) };
        }
    }
}

/// A non-null, [`BUFFER_ALIGN`]-aligned pointer for empty buffers; never dereferenced.
fn dangling() -> NonNull<u8> {
    #[repr(align(64))]
    struct Aligned;
    const _: () = assert!(align_of::<Aligned>() == BUFFER_ALIGN);
    NonNull::<Aligned>::dangling().cast()
}
