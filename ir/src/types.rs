//! IR types: ranked tensors with static and symbolic dims and an optional layout, scalar element
//! types, `index`, statically shaped buffers (`memref`), and function types.
//!
//! Text syntax (MLIR-compatible; symbol names and layout ride in the tensor's encoding dictionary):
//! `tensor<1x3x224x224xf32>`, `tensor<?x128xf32, {dims = ["batch"]}>`,
//! `tensor<1x64x56x56xf32, {layout = "NHWC"}>`, `index`, `(tensor<2xf32>) -> tensor<2xf32>`.

use std::fmt;
use std::sync::Arc;

/// Scalar element type of a tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ElementType {
    F32,
    F16,
    BF16,
    F64,
    I8,
    U8,
    I16,
    I32,
    I64,
    /// Printed `i1`, as in MLIR.
    Bool,
}

impl ElementType {
    pub const ALL: [ElementType; 10] = [
        ElementType::F32,
        ElementType::F16,
        ElementType::BF16,
        ElementType::F64,
        ElementType::I8,
        ElementType::U8,
        ElementType::I16,
        ElementType::I32,
        ElementType::I64,
        ElementType::Bool,
    ];

    /// The MLIR spelling: `f32`, `bf16`, `ui8`, `i1`, ...
    pub fn mnemonic(self) -> &'static str {
        match self {
            ElementType::F32 => "f32",
            ElementType::F16 => "f16",
            ElementType::BF16 => "bf16",
            ElementType::F64 => "f64",
            ElementType::I8 => "i8",
            ElementType::U8 => "ui8",
            ElementType::I16 => "i16",
            ElementType::I32 => "i32",
            ElementType::I64 => "i64",
            ElementType::Bool => "i1",
        }
    }

    pub fn from_mnemonic(s: &str) -> Option<ElementType> {
        ElementType::ALL.into_iter().find(|t| t.mnemonic() == s)
    }

    /// Storage size of one element in bytes (bools take one byte).
    pub fn size(self) -> usize {
        match self {
            ElementType::F64 | ElementType::I64 => 8,
            ElementType::F32 | ElementType::I32 => 4,
            ElementType::F16 | ElementType::BF16 | ElementType::I16 => 2,
            ElementType::I8 | ElementType::U8 | ElementType::Bool => 1,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, ElementType::F32 | ElementType::F16 | ElementType::BF16 | ElementType::F64)
    }

    pub fn is_int(self) -> bool {
        matches!(self, ElementType::I8 | ElementType::U8 | ElementType::I16 | ElementType::I32 | ElementType::I64)
    }
}

impl fmt::Display for ElementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// One tensor dimension: a known size or a named symbol whose value is known only at run time.
/// Two dims with the same symbol are equal at run time.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dim {
    Static(u64),
    Symbol(Arc<str>),
}

impl Dim {
    pub fn symbol(name: impl Into<Arc<str>>) -> Dim {
        Dim::Symbol(name.into())
    }

    pub fn as_static(&self) -> Option<u64> {
        match self {
            Dim::Static(n) => Some(*n),
            Dim::Symbol(_) => None,
        }
    }
}

impl From<u64> for Dim {
    fn from(n: u64) -> Dim {
        Dim::Static(n)
    }
}

/// How a tensor's logical dims are laid out in memory. The shape is always the logical shape
/// (channels at dim 1, as ONNX orders them); the layout says how the storage orders them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// Channels first: N, C, spatial dims.
    Nchw,
    /// Channels last: N, spatial dims, C.
    Nhwc,
    /// Channels blocked by the given width, innermost: N, C/b, spatial dims, b (`NCHW16c`).
    Nchwc(u32),
}

impl Layout {
    pub fn parse(s: &str) -> Option<Layout> {
        match s {
            "NCHW" => Some(Layout::Nchw),
            "NHWC" => Some(Layout::Nhwc),
            _ => {
                let block = s.strip_prefix("NCHW")?.strip_suffix('c')?;
                block.parse().ok().filter(|b: &u32| *b > 0).map(Layout::Nchwc)
            }
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layout::Nchw => f.write_str("NCHW"),
            Layout::Nhwc => f.write_str("NHWC"),
            Layout::Nchwc(b) => write!(f, "NCHW{b}c"),
        }
    }
}

/// A ranked tensor type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TensorType {
    pub shape: Vec<Dim>,
    pub element: ElementType,
    pub layout: Option<Layout>,
}

impl TensorType {
    pub fn new(shape: Vec<Dim>, element: ElementType) -> TensorType {
        TensorType { shape, element, layout: None }
    }

    /// A tensor type with every dim static.
    pub fn of(shape: &[u64], element: ElementType) -> TensorType {
        TensorType::new(shape.iter().map(|&d| Dim::Static(d)).collect(), element)
    }

    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// The static sizes of all dims, or `None` if any dim is symbolic.
    pub fn static_shape(&self) -> Option<Vec<u64>> {
        self.shape.iter().map(Dim::as_static).collect()
    }

    /// Number of elements when the shape is static.
    pub fn num_elements(&self) -> Option<u64> {
        self.static_shape().map(|s| s.iter().product())
    }

    /// The same type with another element type.
    pub fn with_element(&self, element: ElementType) -> TensorType {
        TensorType { shape: self.shape.clone(), element, layout: self.layout }
    }
}

/// A statically shaped, dense, row-major buffer: what a tensor becomes after bufferization.
/// `memref<2x3xf32>`, `memref<f32>` (rank 0).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemRefType {
    pub shape: Vec<u64>,
    pub element: ElementType,
}

impl MemRefType {
    pub fn new(shape: impl Into<Vec<u64>>, element: ElementType) -> MemRefType {
        MemRefType { shape: shape.into(), element }
    }

    /// Number of elements (1 for rank 0); `None` on overflow.
    pub fn num_elements(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
    }

    /// Size in bytes; `None` on overflow.
    pub fn size_in_bytes(&self) -> Option<u64> {
        self.num_elements()?.checked_mul(self.element.size() as u64)
    }

    /// Row-major element strides.
    pub fn strides(&self) -> Vec<u64> {
        let mut strides = vec![1u64; self.shape.len()];
        for i in (0..self.shape.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1].saturating_mul(self.shape[i + 1]);
        }
        strides
    }
}

impl fmt::Display for MemRefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("memref<")?;
        for dim in &self.shape {
            write!(f, "{dim}x")?;
        }
        write!(f, "{}>", self.element)
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionType {
    pub inputs: Vec<Type>,
    pub results: Vec<Type>,
}

/// An IR type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Tensor(TensorType),
    /// A bare element type, used as a scalar or as a type attribute (`to = f16`).
    Element(ElementType),
    /// Machine-sized integer for sizes and offsets.
    Index,
    /// A buffer in memory (kernel level, after bufferization).
    MemRef(MemRefType),
    Function(FunctionType),
}

impl Type {
    pub fn tensor(shape: &[u64], element: ElementType) -> Type {
        Type::Tensor(TensorType::of(shape, element))
    }

    pub fn as_tensor(&self) -> Option<&TensorType> {
        match self {
            Type::Tensor(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_memref(&self) -> Option<&MemRefType> {
        match self {
            Type::MemRef(m) => Some(m),
            _ => None,
        }
    }

    /// The element type of a tensor, buffer or scalar type.
    pub fn element(&self) -> Option<ElementType> {
        match self {
            Type::Tensor(t) => Some(t.element),
            Type::MemRef(m) => Some(m.element),
            Type::Element(e) => Some(*e),
            _ => None,
        }
    }
}

impl From<TensorType> for Type {
    fn from(t: TensorType) -> Type {
        Type::Tensor(t)
    }
}

impl fmt::Display for TensorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tensor<")?;
        for dim in &self.shape {
            match dim {
                Dim::Static(n) => write!(f, "{n}x")?,
                Dim::Symbol(_) => f.write_str("?x")?,
            }
        }
        write!(f, "{}", self.element)?;
        let symbols: Vec<&Arc<str>> = self
            .shape
            .iter()
            .filter_map(|d| match d {
                Dim::Symbol(s) => Some(s),
                Dim::Static(_) => None,
            })
            .collect();
        if !symbols.is_empty() || self.layout.is_some() {
            f.write_str(", {")?;
            if !symbols.is_empty() {
                f.write_str("dims = [")?;
                for (i, s) in symbols.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    crate::location::write_escaped(f, s)?;
                }
                f.write_str("]")?;
            }
            if let Some(layout) = self.layout {
                if !symbols.is_empty() {
                    f.write_str(", ")?;
                }
                write!(f, "layout = \"{layout}\"")?;
            }
            f.write_str("}")?;
        }
        f.write_str(">")
    }
}

impl fmt::Display for FunctionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_type_list(f, &self.inputs, true)?;
        f.write_str(" -> ")?;
        let parenthesize = self.results.len() != 1 || matches!(self.results[0], Type::Function(_));
        write_type_list(f, &self.results, parenthesize)
    }
}

/// Writes `(a, b)` or, when `parens` is false, the bare list.
pub fn write_type_list(f: &mut impl fmt::Write, types: &[Type], parens: bool) -> fmt::Result {
    if parens {
        f.write_char('(')?;
    }
    for (i, t) in types.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{t}")?;
    }
    if parens {
        f.write_char(')')?;
    }
    Ok(())
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Tensor(t) => t.fmt(f),
            Type::Element(e) => e.fmt(f),
            Type::Index => f.write_str("index"),
            Type::MemRef(m) => m.fmt(f),
            Type::Function(ft) => ft.fmt(f),
        }
    }
}
