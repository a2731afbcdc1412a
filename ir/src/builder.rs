//! [`Builder`]: creates ops at an insertion point, inferring result types through each op's shape
//! function, and the [`declare_op!`](crate::declare_op) macro that declares an op once and
//! generates its named-argument builder.

use crate::attr::{AttrDict, Attribute, DenseAttr};
use crate::context::{BlockId, Context, InsertPoint, OpId, OpState, Value};
use crate::dialect::AttrKind;
use crate::location::Location;
use crate::types::Type;
use std::sync::Arc;

/// Creates ops at an insertion point with a current location.
pub struct Builder<'a> {
    ctx: &'a mut Context,
    at: InsertPoint,
    loc: Location,
}

impl<'a> Builder<'a> {
    pub fn new(ctx: &'a mut Context, at: InsertPoint) -> Builder<'a> {
        Builder { ctx, at, loc: Location::Unknown }
    }

    /// A builder appending to the end of `block`.
    pub fn at_end(ctx: &'a mut Context, block: BlockId) -> Builder<'a> {
        Builder::new(ctx, InsertPoint::End(block))
    }

    /// A builder inserting before `op`.
    pub fn before(ctx: &'a mut Context, op: OpId) -> Builder<'a> {
        Builder::new(ctx, InsertPoint::Before(op))
    }

    pub fn ctx(&mut self) -> &mut Context {
        self.ctx
    }

    pub fn ctx_ref(&self) -> &Context {
        self.ctx
    }

    pub fn loc(&self) -> &Location {
        &self.loc
    }

    pub fn set_loc(&mut self, loc: Location) {
        self.loc = loc;
    }

    pub fn insert_point(&self) -> InsertPoint {
        self.at
    }

    pub fn set_insert_point(&mut self, at: InsertPoint) {
        self.at = at;
    }

    /// Creates and inserts an op. When `state.result_types` is empty and the op declares results,
    /// they are computed by the op's shape function; a shape-function error is returned with the
    /// op's name and nothing is inserted.
    pub fn insert(&mut self, mut state: OpState) -> Result<OpId, String> {
        let def = state.def;
        let infer = state.result_types.is_empty() && !def.results.is_empty();
        let types = std::mem::take(&mut state.result_types);
        let op = self.ctx.create_op(state);
        if infer {
            let Some(infer_fn) = def.infer else {
                self.ctx.erase_op(op);
                return Err(format!("'{}' has no shape function: give its result types explicitly", def.name));
            };
            match infer_fn(self.ctx.op(op)) {
                Ok(types) => self.ctx.push_results(op, types),
                Err(e) => {
                    self.ctx.erase_op(op);
                    return Err(format!("'{}': {e}", def.name));
                }
            }
        } else {
            self.ctx.push_results(op, types);
        }
        self.place(op);
        Ok(op)
    }

    /// Creates and inserts an op with exactly `state.result_types` (possibly none, for ops with
    /// only variadic results), never running its shape function.
    pub fn insert_typed(&mut self, state: OpState) -> OpId {
        let op = self.ctx.create_op(state);
        self.place(op);
        op
    }

    fn place(&mut self, op: OpId) {
        self.ctx.insert_op(op, self.at);
        if let InsertPoint::After(_) = self.at {
            self.at = InsertPoint::After(op);
        }
    }
}

/// Rust types that builders accept for attributes, with the attribute kind each maps to.
pub trait AttrValue {
    const KIND: AttrKind;
    fn into_attr(self) -> Attribute;
}

/// A symbol reference (`@name`) for builder arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolRef(pub String);

macro_rules! attr_value {
    ($($t:ty => $kind:ident, |$v:ident| $e:expr;)*) => {$(
        impl AttrValue for $t {
            const KIND: AttrKind = AttrKind::$kind;
            fn into_attr(self) -> Attribute {
                let $v = self;
                $e
            }
        }
    )*};
}

attr_value! {
    i64 => Int, |v| Attribute::Int(v);
    f64 => Float, |v| Attribute::Float(v);
    bool => Bool, |v| Attribute::Bool(v);
    String => String, |v| Attribute::String(Arc::from(v));
    Vec<i64> => Ints, |v| Attribute::ints(&v);
    Vec<f64> => Floats, |v| Attribute::floats(&v);
    Vec<String> => Strings, |v| Attribute::Array(v.into_iter().map(Attribute::string).collect());
    Type => Type, |v| Attribute::Type(v);
    DenseAttr => Dense, |v| Attribute::Dense(v);
    SymbolRef => Symbol, |v| Attribute::Symbol(Arc::from(v.0));
    AttrDict => Dict, |v| Attribute::Dict(v);
    Attribute => Any, |v| v;
}

/// Operand-slot bookkeeping used by generated builders: appends values and records slot sizes.
#[doc(hidden)]
#[derive(Default)]
pub struct OperandList {
    pub values: Vec<Value>,
    pub segments: Vec<i64>,
}

impl OperandList {
    pub fn push(&mut self, values: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(values);
        self.segments.push((self.values.len() - before) as i64);
    }
}

/// Declares an op once: its static [`OpDef`](crate::OpDef) and a named-argument builder.
///
/// ```
/// use msc_ir::{Builder, Context, Dialect, ElementType, Location, OpRef, Registry, Type, declare_op};
///
/// declare_op! {
///     /// Leaky rectified linear unit: `x < 0 ? alpha * x : x`.
///     pub LeakyRelu = "demo.leaky_relu", LEAKY_RELU {
///         operands { input: FLOAT_TENSOR }
///         results { output: FLOAT_TENSOR }
///         attributes { alpha: f64 = Float(0.01) }
///         traits: [PURE, ELEMENTWISE],
///         infer: Some(same_as_input),
///     }
/// }
///
/// fn same_as_input(op: OpRef<'_>) -> Result<Vec<Type>, String> {
///     Ok(vec![op.operand_type(0).clone()])
/// }
///
/// # declare_op! {
/// #     /// A container for the example.
/// #     pub Graph = "demo.graph", GRAPH {
/// #         regions: 1,
/// #         traits: [NO_TERMINATOR],
/// #     }
/// # }
/// let mut registry = Registry::new();
/// registry
///     .register(Dialect {
///         name: "demo",
///         summary: "example",
///         ops: vec![&LEAKY_RELU, &GRAPH],
///         canonicalization_patterns: Vec::new,
///         materialize_constant: None,
///     })
///     .unwrap();
/// let mut ctx = Context::new(std::sync::Arc::new(registry));
/// let graph = ctx.create_op(Graph::new().into_state(Location::Unknown));
/// let region = ctx.op(graph).regions()[0];
/// let block = ctx.append_block(region, vec![Type::tensor(&[4], ElementType::F32)]);
/// let x = ctx.block_args(block)[0];
///
/// // The generated builder: required operands in `new`, everything else by name.
/// let mut b = Builder::at_end(&mut ctx, block);
/// let y = LeakyRelu::new(x).alpha(0.2).build_value(&mut b).unwrap();
///
/// assert_eq!(ctx.value_type(y), &Type::tensor(&[4], ElementType::F32));
/// assert_eq!(ctx.op(ctx.defining_op(y).unwrap()).float("alpha"), Ok(0.2));
/// ```
/// Sections come in this order and an empty one may be left out (no regions, no traits, and no
/// verifier, shape function or folder by default). Operand slots are required ones, then optional
/// ones, then at most one variadic slot; the builder's `new` takes the required operands, and every
/// other slot and attribute has a setter.
#[macro_export]
macro_rules! declare_op {
    // The full form every declaration is normalized to.
    (
        @full
        #[doc = $summary:literal]
        $(#[doc = $doc:literal])*
        $vis:vis $Name:ident = $name:literal, $DEF:ident {
            operands { $($opnd:ident : $ocons:ident),* $(,)? }
            optional { $($optnd:ident : $optcons:ident),* $(,)? }
            variadic { $($varnd:ident : $varcons:ident)? $(,)? }
            results { $($res:ident : $rcons:ident),* $(,)? }
            variadic_results { $($vres:ident : $vrcons:ident)? $(,)? }
            attributes { $($attr:ident : $aty:ty = $dkind:ident $(($($dval:tt)*))?),* $(,)? }
            regions: $nregions:expr,
            traits: [$($trait:ident),* $(,)?],
            verify: $verify:expr,
            infer: $infer:expr,
            fold: $fold:expr $(,)?
        }
    ) => {
        #[doc = $summary]
        $vis static $DEF: $crate::OpDef = $crate::OpDef {
            name: $name,
            summary: $summary.trim_ascii(),
            operands: &[
                $($crate::ArgDef { name: stringify!($opnd), arity: $crate::Arity::One, constraint: $crate::TypeConstraint::$ocons },)*
                $($crate::ArgDef { name: stringify!($optnd), arity: $crate::Arity::Optional, constraint: $crate::TypeConstraint::$optcons },)*
                $($crate::ArgDef { name: stringify!($varnd), arity: $crate::Arity::Variadic, constraint: $crate::TypeConstraint::$varcons },)?
            ],
            results: &[
                $($crate::ArgDef { name: stringify!($res), arity: $crate::Arity::One, constraint: $crate::TypeConstraint::$rcons },)*
                $($crate::ArgDef { name: stringify!($vres), arity: $crate::Arity::Variadic, constraint: $crate::TypeConstraint::$vrcons },)?
            ],
            attributes: &[
                $($crate::AttrDef {
                    name: stringify!($attr),
                    kind: <$aty as $crate::AttrValue>::KIND,
                    default: $crate::AttrDefault::$dkind $(($($dval)*))?,
                },)*
            ],
            num_regions: $nregions,
            traits: $crate::Traits::NONE $(.union($crate::Traits::$trait))*,
            verify: $verify,
            infer: $infer,
            fold: $fold,
        };

        #[doc = $summary]
        $(#[doc = $doc])*
        ///
        #[doc = concat!("Builder for `", $name, "`: `new` takes the required operands; the rest are setters.")]
        #[must_use]
        $vis struct $Name {
            $(pub $opnd: $crate::Value,)*
            $(pub $optnd: Option<$crate::Value>,)*
            $(pub $varnd: Vec<$crate::Value>,)?
            $(pub $attr: Option<$aty>,)*
        }

        #[allow(clippy::new_without_default, clippy::too_many_arguments)]
        impl $Name {
            pub fn new($($opnd: $crate::Value),*) -> Self {
                $Name {
                    $($opnd,)*
                    $($optnd: None,)*
                    $($varnd: Vec::new(),)?
                    $($attr: None,)*
                }
            }

            $(
                pub fn $optnd(mut self, value: $crate::Value) -> Self {
                    self.$optnd = Some(value);
                    self
                }
            )*

            $(
                pub fn $varnd(mut self, values: Vec<$crate::Value>) -> Self {
                    self.$varnd = values;
                    self
                }
            )?

            $(
                pub fn $attr(mut self, value: impl Into<$aty>) -> Self {
                    self.$attr = Some(value.into());
                    self
                }
            )*

            /// The op's creation state at location `loc`, with no result types yet.
            pub fn into_state(self, loc: $crate::Location) -> $crate::OpState {
                let mut operands = $crate::builder::OperandList::default();
                $(operands.push([self.$opnd]);)*
                $(operands.push(self.$optnd);)*
                $(operands.push(self.$varnd);)?
                let mut state = $crate::OpState::new(&$DEF, loc);
                $(
                    if let Some(value) = self.$attr {
                        state.attrs.insert(stringify!($attr).to_string(), $crate::AttrValue::into_attr(value));
                    }
                )*
                if $DEF.needs_operand_segments() {
                    state.attrs.insert($crate::OPERAND_SEGMENTS_ATTR.to_string(), $crate::Attribute::ints(&operands.segments));
                }
                state.operands = operands.values;
                state
            }

            /// Inserts the op, inferring its result types.
            pub fn build(self, b: &mut $crate::Builder<'_>) -> Result<$crate::OpId, String> {
                let state = self.into_state(b.loc().clone());
                b.insert(state)
            }

            /// Inserts the op and returns its first result.
            pub fn build_value(self, b: &mut $crate::Builder<'_>) -> Result<$crate::Value, String> {
                let op = self.build(b)?;
                Ok(b.ctx_ref().op(op).result(0))
            }

            /// Inserts the op with explicitly given result types.
            pub fn build_with_types(self, b: &mut $crate::Builder<'_>, types: Vec<$crate::Type>) -> Result<$crate::OpId, String> {
                let mut state = self.into_state(b.loc().clone());
                state.result_types = types;
                b.insert(state)
            }
        }
    };
    (@or_none) => { None };
    (@or_none $e:expr) => { $e };
    // The public form: every section may be left out when empty (regions default to 0, traits to
    // none, verifier, shape function and folder to `None`).
    (
        #[doc = $summary:literal]
        $(#[doc = $doc:literal])*
        $vis:vis $Name:ident = $name:literal, $DEF:ident {
            $(operands { $($operands:tt)* })?
            $(optional { $($optional:tt)* })?
            $(variadic { $($variadic:tt)* })?
            $(results { $($results:tt)* })?
            $(variadic_results { $($variadic_results:tt)* })?
            $(attributes { $($attributes:tt)* })?
            $(regions: $nregions:expr,)?
            $(traits: [$($traits:tt)*],)?
            $(verify: $verify:expr,)?
            $(infer: $infer:expr,)?
            $(fold: $fold:expr $(,)?)?
        }
    ) => {
        $crate::declare_op! {
            @full
            #[doc = $summary]
            $(#[doc = $doc])*
            $vis $Name = $name, $DEF {
                operands { $($($operands)*)? }
                optional { $($($optional)*)? }
                variadic { $($($variadic)*)? }
                results { $($($results)*)? }
                variadic_results { $($($variadic_results)*)? }
                attributes { $($($attributes)*)? }
                regions: 0 $(+ $nregions)?,
                traits: [$($($traits)*)?],
                verify: $crate::declare_op!(@or_none $($verify)?),
                infer: $crate::declare_op!(@or_none $($infer)?),
                fold: $crate::declare_op!(@or_none $($fold)?),
            }
        }
    };
}
